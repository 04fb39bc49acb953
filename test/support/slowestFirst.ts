/**
 * The order test files start in: the slowest first (measured in the clean-clone CI run of
 * 2026-12-01, per file, over both the PGlite and the PostgreSQL pass), then Vitest's own order. Two
 * workers then finish together instead of one waiting for the other while a long file started late
 * runs alone (the unit stage lost ~70 s that way: kpiFaults.test.ts, 135 s, started near the end).
 * A file not listed keeps Vitest's order (cached durations, else size); a stale list only costs time.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

export const SLOWEST_FIRST = [
  // Unit, component and server stages.
  'test/server/kpiFaults.test.ts',
  'test/server/backup.test.ts',
  'test/server/adminCli.test.ts',
  'test/server/authorisationMatrix.test.ts',
  'test/multiprocess/twoProcesses.test.ts',
  'test/server/hsdsImportExport.test.ts',
  'test/server/kpi.test.ts',
  'test/server/logging.test.ts',
  'test/server/signInAttacks.test.ts',
  'test/unit/vault.test.ts',
  'test/server/referrals.test.ts',
  'test/server/fuzz.test.ts',
  // Browser tests (clean-clone run of 2026-12-01, 05:20: cases 138 s, referrals 125 s, professional 120 s, …).
  'test/e2e/cases.e2e.ts',
  'test/e2e/referrals.e2e.ts',
  'test/e2e/professional.e2e.ts',
  'test/e2e/caseTeam.e2e.ts',
  'test/e2e/sharedPlan.e2e.ts',
  'test/e2e/roles.e2e.ts',
  'test/e2e/socialMap.e2e.ts',
  'test/e2e/caseSync.e2e.ts',
  'test/e2e/caseRecovery.e2e.ts',
  'test/e2e/vault.e2e.ts',
  'test/e2e/referralCase.e2e.ts',
  'test/e2e/pathways.e2e.ts',
  'test/e2e/device.e2e.ts',
  'test/e2e/lifeDomains.e2e.ts',
  'test/e2e/method.e2e.ts',
  'test/e2e/kitchenTable.e2e.ts',
]

const rank = (spec: TestSpecification): number => {
  const path = spec.moduleId.replace(/\\/g, '/')
  const i = SLOWEST_FIRST.findIndex((f) => path.endsWith(`/${f}`))
  return i < 0 ? SLOWEST_FIRST.length : i
}

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files)
    return base
      .map((spec, i) => ({ spec, i, r: rank(spec) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.spec)
  }
}
