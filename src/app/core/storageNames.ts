/**
 * Every name the app stores under on a device, in one place: the IndexedDB databases, the
 * localStorage and sessionStorage keys, and what a device wipe (a revoked or forgotten device,
 * docs/device-trust.md) deletes. The modules that define a database or read a key import its name
 * from here, so a wipe can never miss one that was added elsewhere. Constants only: the app shell
 * imports this on every page, residents' too.
 */

export const DATABASES = {
  /** The public social map, the resident's favourites and their "Klopt er iets niet?" reports (features/socialMap/data). */
  socialMap: 'samenwerkwijze-sociale-kaart',
  /** This device's keys (core/deviceIdentity.ts). */
  device: 'samenwerkwijze-apparaat',
  /** The sealed cases, the vault's key and the KPI outbox (features/cases/caseDb.ts). */
  cases: 'samenwerkwijze-casussen',
  /** Referrals waiting to be sent and the cached lists (features/referrals/referralOutbox.ts). */
  referrals: 'samenwerkwijze-verwijzingen',
  /** Organisation keys pinned on first use (core/pinnedKeys.ts). */
  pinnedKeys: 'samenwerkwijze-vertrouwde-sleutels',
  /** The method versions received from the server (features/method/methodDb.ts); public, fetched again after a wipe. */
  method: 'samenwerkwijze-werkwijze',
  /** The samenwerkplannen shared with this person as a participant, sealed as received, and their responses waiting to be sent (features/sharedPlan/planDb.ts). */
  sharedPlans: 'samenwerkwijze-samenwerkplannen',
  /** A resident's "Ik wil hulp" requests waiting to be sent, and what the confirmation shows (features/helpRequest/helpRequestDb.ts). */
  helpRequests: 'samenwerkwijze-hulpvragen',
} as const
export type DatabaseKey = keyof typeof DATABASES
export type DatabaseName = (typeof DATABASES)[DatabaseKey]

/**
 * What a device wipe does with each database. Every database must be listed (the type checks it),
 * so adding one means deciding here. The social map stays: it is the public map, the same for
 * everyone, and a phone without it shows residents nothing until the next download; the device
 * wipe is about what a professional held. The method versions go: only professionals use them, the
 * cases they served go too, and the phone fetches them again at its next connection. The shared
 * samenwerkplannen go: they are a professional's, and only this device's key opened them.
 */
export const ON_WIPE = {
  socialMap: 'keep',
  device: 'delete',
  cases: 'delete',
  referrals: 'delete',
  pinnedKeys: 'delete',
  method: 'delete',
  sharedPlans: 'delete',
  // A resident's request waiting on a professional's phone that is revoked is still a resident's personal data: it goes too.
  helpRequests: 'delete',
} as const satisfies Record<DatabaseKey, 'delete' | 'keep'>

export const WIPED_DATABASES: readonly DatabaseName[] = (Object.keys(ON_WIPE) as DatabaseKey[])
  .filter((key) => ON_WIPE[key] === 'delete')
  .map((key) => DATABASES[key])

/** localStorage keys. */
export const LOCAL_KEYS = {
  /** The language the person chose (i18n/index.ts). */
  locale: 'samenwerkwijze.locale',
  /** Kept through a wipe on purpose: it tells the person the device was revoked (core/deviceNotice.ts). */
  deviceNotice: 'samenwerkwijze.device-notice',
  /** Auto-lock and retention: device settings, no personal data (features/cases/caseSettings.ts). */
  caseSettings: 'samenwerkwijze.caseSettings',
  /** Where the GP last sent each intervention (features/referrals/receiverMemory.ts); wiped. */
  receiverMemory: 'swz-referral-receivers',
  /** The KPI counting id and its state (features/cases/kpiSync.ts); the vault's wipe forgets the id. */
  kpiDevice: 'samenwerkwijze.kpiDevice',
  kpiDeviceBoundTo: 'samenwerkwijze.kpiDeviceBoundTo',
  kpiAdopt: 'samenwerkwijze.kpiAdopt',
  /** The lost device an adopted id must still sit on (a recovery, features/caseSync/teamCounting.ts). */
  kpiAdoptFrom: 'samenwerkwijze.kpiAdoptFrom',
  kpiProblem: 'samenwerkwijze.kpiProblem',
  kpiLastSent: 'samenwerkwijze.kpiLastSent',
  kpiVersion: 'samenwerkwijze.kpiVersion',
  /** The counting id every period was queued again for (kpiSyncCore.ts resendUnderNewId). */
  kpiResentUnder: 'samenwerkwijze.kpiResentUnder',
  /** The day the steering measures were last looked at for what passing days change (kpiSync.ts markMeasuresOfTheDay). */
  kpiFactsDay: 'samenwerkwijze.kpiFactsDay',
  /** When the GP last looked at their sent referrals: Vandaag shows news since (features/today/gpSeen.ts); a moment only, wiped. */
  gpSeenAt: 'samenwerkwijze.gpSeenAt',
  /**
   * The resident's own plans opened on this phone (features/residentPlan/residentPlanStore.ts): per
   * link its key and the sealed plan, so the plan opens offline. Kept through a device wipe: it is
   * the resident's, not a professional's.
   */
  residentPlans: 'samenwerkwijze.mijn-plan',
  /** Set while a help request waits in its outbox: the app then loads the sender at start (App.vue), and not otherwise. */
  helpRequestWaiting: 'samenwerkwijze.hulpvraag-wacht',
} as const

/** localStorage keys a device wipe removes (the KPI keys go with the vault's wipe, forgetKpiDeviceId). */
export const WIPED_LOCAL_KEYS: readonly string[] = [LOCAL_KEYS.receiverMemory, LOCAL_KEYS.gpSeenAt]

/** sessionStorage keys (this tab only). */
export const SESSION_KEYS = {
  /** A one-time link's token on its way through sign-in (features/auth/linkToken.ts). */
  accountLink: 'swz-account-link',
  /** Set once a stale chunk made the page reload, so it reloads only once (main.ts). */
  reloaded: 'samenwerkwijze.reloaded',
  /**
   * Vue's router's own key: the tab's scroll positions, read when its module runs. Written as an empty record when
   * missing (main.ts, while the app downloads: in practice before the router reads it; if not, only the cost comes
   * back), since reading a missing one throws inside the router, and the exception made the browser parse Vue's whole
   * chunk again (docs/performance.md, "The app in a few files").
   */
  routerScroll: 'vue-router:scroll',
} as const
