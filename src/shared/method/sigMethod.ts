/**
 * Version 1 of the region's method, bundled with the app so a phone that never reached the server
 * still guides (docs/method.md). The server seeds it as its first version; later versions come
 * from the programme office. The steps follow domain.md; the prompts are our own B1 wording, not
 * the items of a copyrighted instrument.
 */
import type { Condition, FieldRef, MethodDefinition, MethodStep, MethodText } from './definition'

const T = (nl: string, en: string): MethodText => ({ nl, en })
const filled = (ref: FieldRef): Condition => ({ filled: ref })

const consentEssentials = (p: string) => [
  { id: `${p}-consent`, text: T('De inwoner gaf toestemming om gegevens te delen, en je weet waarvoor.', 'The resident consented to sharing their details, and you know for what.'), metWhen: { equals: 'consent.given', value: true } as Condition },
  { id: `${p}-referral-date`, text: T('De datum van aanmelding staat erin.', 'The date of referral is recorded.'), metWhen: filled('referral.date') },
  { id: `${p}-municipality`, text: T('Je weet in welke gemeente de inwoner woont.', 'You know which municipality the resident lives in.'), metWhen: filled('resident.municipality') },
]

const closeStep = (p: string, title: MethodText, purpose: MethodText, prompts: MethodText[], extra: MethodStep['blocks'] = []): MethodStep => ({
  id: `${p}-afsluiten`,
  title,
  purpose,
  prompts,
  blocks: [...extra, { core: 'lifeDomainPicture' }, { core: 'close' }],
  essentials: [
    { id: `${p}-satisfaction`, text: T('Je vroeg de inwoner hoe tevreden die nu is.', 'You asked the resident how satisfied they are now.'), metWhen: filled('satisfaction.end') },
    { id: `${p}-close-reason`, text: T('Je schreef op waarom het traject stopt.', 'You wrote down why the support ends.'), metWhen: filled('closeReason') },
    { id: `${p}-closed`, text: T('De casus is afgesloten.', 'The case is closed.'), metWhen: { equals: 'status', value: 'closed' } },
  ],
})

export const BUNDLED_METHOD: MethodDefinition = {
  format: 'sig-method',
  version: 1,
  publishedAt: '2026-11-30T00:00:00.000Z',
  note: T('De eerste versie van de werkwijze in de app.', 'The first version of the method in the app.'),
  pathways: {
    wor: {
      summary: T('Voor mensen met psychosociale klachten die de huisarts doorstuurt naar een welzijnscoach.', 'For people with psychosocial complaints whom the GP sends to a wellbeing coach.'),
      steps: [
        {
          id: 'wor-aanmelding',
          title: T('Gesprek bij de huisarts en toestemming', "The GP's conversation and consent"),
          purpose: T('Weten waarom de huisarts verwijst en dat de inwoner wil dat jij contact opneemt.', 'Know why the GP refers and that the resident wants you to get in touch.'),
          prompts: [T('Wat heeft de huisarts je verteld over Welzijn op Recept?', 'What did the GP tell you about Welzijn op Recept?'), T('Mag ik je gegevens gebruiken om je te helpen? Ik leg uit wat ik ermee doe.', 'May I use your details to help you? I will explain what I do with them.')],
          blocks: [{ core: 'referral' }, { core: 'resident' }, { core: 'consent' }],
          essentials: consentEssentials('wor'),
        },
        {
          id: 'wor-contact',
          title: T('Contact binnen twee weken', 'Contact within two weeks'),
          purpose: T('De inwoner hoort binnen twee weken na de verwijzing van je.', 'The resident hears from you within two weeks of the referral.'),
          prompts: [T('Ik bel je omdat de huisarts je naar mij heeft verwezen. Komt het nu uit?', 'I am calling because the GP referred you to me. Is now a good time?'), T('Waar en wanneer wil je afspreken? Bij jou thuis mag ook.', 'Where and when would you like to meet? At your home is fine too.')],
          blocks: [{ core: 'wor.firstContactDate' }, { field: { id: 'wor-contact-way', kind: 'choice', label: T('Hoe was het eerste contact?', 'How was the first contact?'), options: [{ id: 'telefoon', label: T('Telefoon', 'Phone') }, { id: 'huisbezoek', label: T('Huisbezoek', 'Home visit') }, { id: 'anders', label: T('Anders', 'Other') }] } }],
          essentials: [{ id: 'wor-first-contact', text: T('De datum van het eerste contact staat erin.', 'The date of first contact is recorded.'), metWhen: filled('wor.firstContactDate') }],
        },
        {
          id: 'wor-intake',
          title: T('Kennismaking (intake)', 'Intake'),
          purpose: T('Samen kijken wat de inwoner wil, kan en nodig heeft, op alle levensgebieden.', 'Look together at what the resident wants, can do and needs, across all life domains.'),
          prompts: [T('Wat wil je graag anders in je leven?', 'What would you like to be different in your life?'), T('Wat lukt je al goed, en wie helpt je daarbij?', 'What already goes well, and who helps you with it?'), T('Waar wil je het vandaag over hebben?', 'What would you like to talk about today?')],
          blocks: [{ core: 'wor.intakeDate' }, { core: 'questions' }, { core: 'lifeDomains' }],
          essentials: [
            { id: 'wor-intake-held', text: T('De datum van de intake staat erin.', 'The intake date is recorded.'), metWhen: filled('wor.intakeDate') },
            { id: 'wor-own-words', text: T('De inwoner zei in eigen woorden wat die wil.', 'The resident said in their own words what they want.'), metWhen: filled('questions.wil') },
            { id: 'wor-domains', text: T('Je keek samen naar alle levensgebieden.', 'You looked at all life domains together.'), metWhen: filled('lifeDomains') },
          ],
        },
        {
          id: 'wor-bredere-check',
          title: T('Bredere check: eerst een andere route?', 'Broader check: another route first?'),
          purpose: T('Nagaan of iets anders eerst moet, zoals schulden, veiligheid of wonen.', 'Check whether something else must come first, such as debts, safety or housing.'),
          prompts: [T('Zijn er zorgen over geld, rekeningen of schulden?', 'Are there worries about money, bills or debts?'), T('Voel je je veilig, thuis en daarbuiten?', 'Do you feel safe, at home and outside?'), T('Is je huis in orde voor jou?', 'Is your home all right for you?')],
          blocks: [
            { field: { id: 'wor-other-route', kind: 'choice', label: T('Is eerst een andere route nodig?', 'Is another route needed first?'), options: [{ id: 'nee', label: T('Nee', 'No') }, { id: 'schulden', label: T('Ja: geld of schulden', 'Yes: money or debts') }, { id: 'veiligheid', label: T('Ja: veiligheid', 'Yes: safety') }, { id: 'wonen', label: T('Ja: wonen', 'Yes: housing') }, { id: 'vaardigheden', label: T('Ja: taal of digitale vaardigheden', 'Yes: language or digital skills') }, { id: 'anders', label: T('Ja: iets anders', 'Yes: something else') }] } },
            { core: 'wor.broaderCheck' },
          ],
          essentials: [{ id: 'wor-other-route-checked', text: T('Je ging na of eerst een andere route nodig is.', 'You checked whether another route is needed first.'), metWhen: filled('answers.wor-other-route') }],
        },
        {
          id: 'wor-activiteit',
          title: T('Koppelen aan een activiteit', 'Match to an activity'),
          purpose: T('Een activiteit vinden die bij de inwoner past, en de eerste stap makkelijk maken.', 'Find an activity that suits the resident, and make the first step easy.'),
          prompts: [T('Wat deed je vroeger graag?', 'What did you like to do in the past?'), T('Zal ik de eerste keer met je meegaan?', 'Shall I come along the first time?')],
          blocks: [{ core: 'activityMatch' }, { field: { id: 'wor-coach-offered', kind: 'yesNo', label: T('Aangeboden om de eerste keer mee te gaan', 'Offered to come along the first time') } }, { core: 'network' }, { core: 'smallSteps' }],
          essentials: [
            { id: 'wor-activity-matched', text: T('Er is minstens één activiteit gekozen.', 'At least one activity is chosen.'), metWhen: filled('wor.matchedServiceIds') },
            { id: 'wor-join-offered', text: T('Je bood aan de eerste keer mee te gaan.', 'You offered to come along the first time.'), metWhen: { equals: 'answers.wor-coach-offered', value: true } },
          ],
        },
        {
          id: 'wor-terugkoppeling',
          title: T('Terugkoppeling aan de huisarts', 'Feedback to the GP'),
          purpose: T('De huisarts hoort wat er met de verwijzing is gebeurd.', 'The GP hears what became of the referral.'),
          prompts: [T('Wat mag ik de huisarts vertellen over hoe het nu gaat?', 'What may I tell the GP about how things are going?')],
          blocks: [{ core: 'gpMessage' }, { core: 'wor.feedbackDate' }],
          essentials: [{ id: 'wor-feedback-sent', text: T('De huisarts kreeg een terugkoppeling.', 'The GP received feedback.'), metWhen: filled('wor.feedbackDate') }],
        },
        closeStep('wor', T('Afsluiten', 'Close'), T('Samen terugkijken en het traject met een reden afsluiten.', 'Look back together and close the support with a reason.'), [T('Wat is er veranderd sinds we begonnen?', 'What has changed since we started?'), T('Hoe tevreden ben je nu, op een schaal van 0 tot 10?', 'How satisfied are you now, on a scale of 0 to 10?')]),
      ],
    },
    vg: {
      summary: T('Eén open gesprek voor mensen met psychische klachten en problemen in het dagelijks leven.', 'One open conversation for people with mental complaints and problems in daily life.'),
      steps: [
        {
          id: 'vg-verwijzing',
          title: T('Verwijzing', 'Referral'),
          purpose: T('Weten waarom de huisarts een Verkennend Gesprek vraagt, met toestemming van de inwoner.', 'Know why the GP asks for an exploratory talk, with the resident’s consent.'),
          prompts: [T('Wat heeft de huisarts je verteld over dit gesprek?', 'What did the GP tell you about this conversation?')],
          blocks: [{ core: 'referral' }, { core: 'resident' }, { core: 'consent' }],
          essentials: consentEssentials('vg'),
        },
        {
          id: 'vg-voorbereiden',
          title: T('Voorbereiden', 'Preparation'),
          purpose: T('De juiste mensen aan tafel: een naaste, iemand uit het sociaal domein en iemand van de GGZ.', 'The right people at the table: someone close, someone from the social domain and a mental-health clinician.'),
          prompts: [T('Wie wil je meenemen naar het gesprek? Iemand die je goed kent mag mee.', 'Who would you like to bring to the conversation? Someone who knows you well is welcome.'), T('Dit gesprek is geen diagnose en geen weg langs de wachtlijst. Het is een open gesprek.', 'This conversation is not a diagnosis and not a way round the waiting list. It is an open conversation.')],
          blocks: [
            { field: { id: 'vg-naaste', kind: 'text', label: T('Naaste die meekomt (of waarom niet)', 'Person close who comes along (or why not)') } },
            { field: { id: 'vg-social-professional', kind: 'text', label: T('Professional sociaal domein', 'Social-domain professional') } },
            { field: { id: 'vg-ggz-clinician', kind: 'text', label: T('GGZ-behandelaar', 'Mental-health clinician') } },
            { core: 'vg.participants' },
          ],
          essentials: [
            { id: 'vg-naaste-invited', text: T('Je nodigde een naaste van de inwoner uit.', 'You invited someone close to the resident.'), metWhen: filled('answers.vg-naaste') },
            { id: 'vg-social-invited', text: T('Een professional uit het sociaal domein komt.', 'A social-domain professional is coming.'), metWhen: filled('answers.vg-social-professional') },
            { id: 'vg-ggz-invited', text: T('Een GGZ-behandelaar komt.', 'A mental-health clinician is coming.'), metWhen: filled('answers.vg-ggz-clinician') },
          ],
        },
        {
          id: 'vg-gesprek',
          title: T('Het gesprek', 'The conversation'),
          purpose: T('Samen verkennen wat er speelt en wat de inwoner zelf wil.', 'Explore together what is going on and what the resident wants.'),
          prompts: [T('Hoe gaat het nu met je, thuis en daarbuiten?', 'How are you doing now, at home and outside?'), T('Wat zou je helpen om je beter te voelen?', 'What would help you feel better?'), T('Wat kun je zelf, en wie kan je helpen?', 'What can you do yourself, and who can help you?')],
          blocks: [{ core: 'vg.conversationDate' }, { core: 'questions' }, { core: 'lifeDomains' }],
          essentials: [
            { id: 'vg-held', text: T('De datum van het gesprek staat erin.', 'The date of the conversation is recorded.'), metWhen: filled('vg.conversationDate') },
            { id: 'vg-own-words', text: T('De inwoner zei in eigen woorden wat die wil.', 'The resident said in their own words what they want.'), metWhen: filled('questions.wil') },
            { id: 'vg-not-diagnosis', text: T('Je legde uit dat het gesprek geen diagnose is.', 'You explained that the conversation is not a diagnosis.') },
          ],
        },
        {
          id: 'vg-advies',
          title: T('Advies aan de huisarts', 'Advice to the GP'),
          purpose: T('De huisarts krijgt een advies en beslist zelf.', 'The GP gets an advice and decides.'),
          prompts: [T('Dit gaan we de huisarts adviseren. Klopt dat voor jou?', 'This is what we will advise the GP. Does that feel right to you?')],
          blocks: [{ core: 'vg.outcome' }, { core: 'gpMessage' }],
          essentials: [
            { id: 'vg-outcome-chosen', text: T('De uitkomst is gekozen.', 'The outcome is chosen.'), metWhen: filled('vg.outcome') },
            { id: 'vg-advice-written', text: T('Het advies aan de huisarts is geschreven.', 'The advice to the GP is written.'), metWhen: filled('vg.adviceToGp') },
          ],
        },
        closeStep('vg', T('Afsluiten', 'Close'), T('De huisarts heeft het advies; het gesprek is klaar.', 'The GP has the advice; the conversation is done.'), [T('Weet je wat er nu gebeurt? De huisarts neemt contact met je op.', 'Do you know what happens now? The GP will contact you.')]),
      ],
    },
    sa: {
      summary: T('Voor (oudere) inwoners met geheugenproblemen en zorgen op meer levensgebieden.', 'For (older) residents with memory problems and worries in several life domains.'),
      steps: [
        {
          id: 'sa-aanmelding',
          title: T('Aanmelding', 'Registration'),
          purpose: T('De huisarts of wijkverpleging meldt aan; je weet wie en waarom.', 'The GP or district nurse registers; you know who and why.'),
          prompts: [T('Wie heeft je aangemeld, en weet je waarom?', 'Who registered you, and do you know why?')],
          blocks: [{ core: 'referral' }, { core: 'resident' }, { core: 'consent' }],
          essentials: [...consentEssentials('sa'), { id: 'sa-registered-by', text: T('Je weet wie aanmeldde.', 'You know who registered.'), metWhen: filled('referral.referrerType') }],
        },
        {
          id: 'sa-intake',
          title: T('Intake thuis met de mantelzorger', 'Home intake with the informal carer'),
          purpose: T('Thuis, samen met de mantelzorger, zien hoe het gaat op alle levensgebieden.', 'At home, with the informal carer, see how things are going in every life domain.'),
          prompts: [T('Hoe ziet een gewone dag er voor jou uit?', 'What does an ordinary day look like for you?'), T('Wat doet je mantelzorger voor je, en hoe gaat het met hem of haar?', 'What does your carer do for you, and how are they doing?')],
          blocks: [{ core: 'sa.intakeDate' }, { core: 'sa.informalCarer' }, { core: 'lifeDomains' }, { core: 'questions' }, { core: 'network' }],
          essentials: [
            { id: 'sa-intake-held', text: T('De datum van de intake staat erin.', 'The intake date is recorded.'), metWhen: filled('sa.intakeDate') },
            { id: 'sa-carer-involved', text: T('De mantelzorger was erbij (of je weet waarom niet).', 'The informal carer was there (or you know why not).'), metWhen: filled('sa.informalCarer') },
            { id: 'sa-domains', text: T('Je keek naar alle levensgebieden.', 'You looked at all life domains.'), metWhen: filled('lifeDomains') },
          ],
        },
        {
          id: 'sa-triage',
          title: T('Triage', 'Triage'),
          purpose: T('Eén vraag: doorverwijzen. Meer vragen: jij wordt arrangeur.', 'A single question: refer on. More questions: you become the arrangeur.'),
          prompts: [T('Is er één vraag die iemand anders goed kan oppakken, of spelen er meer dingen tegelijk?', 'Is there one question someone else can take on, or are several things going on at once?')],
          blocks: [{ core: 'sa.triage' }, { field: { id: 'sa-referred-to', kind: 'text', label: T('Doorverwezen naar', 'Referred on to') } }, { core: 'sa.arrangementStartDate' }],
          essentials: [
            { id: 'sa-triage-done', text: T('De triage is gedaan.', 'Triage is done.'), metWhen: filled('sa.triage') },
            { id: 'sa-gp-knows', text: T('De huisarts weet wie de regie heeft; de medische verantwoordelijkheid blijft bij de huisarts.', 'The GP knows who holds the lead; medical responsibility stays with the GP.') },
          ],
        },
        {
          id: 'sa-plan',
          title: T('Eén plan over alle levensgebieden', 'One joint plan across domains'),
          purpose: T('Eén plan met de inwoner, de mantelzorger en de zorg, in kleine stappen.', 'One plan with the resident, the carer and the care providers, in small steps.'),
          prompts: [T('Wat wil je als eerste aanpakken?', 'What would you like to tackle first?'), T('Wie doet wat, en wanneer kijken we samen hoe het gaat?', 'Who does what, and when do we look together at how it goes?')],
          blocks: [{ core: 'smallSteps' }, { field: { id: 'sa-plan-partners', kind: 'longText', label: T('Wie doen mee aan het plan?', 'Who takes part in the plan?') } }],
          essentials: [
            { id: 'sa-plan-steps', text: T('Het plan heeft minstens één kleine stap.', 'The plan has at least one small step.'), metWhen: filled('steps') },
            { id: 'sa-plan-shared', text: T('Inwoner, mantelzorger en huisarts kennen het plan.', 'Resident, carer and GP know the plan.') },
          ],
        },
        {
          id: 'sa-ondersteuning',
          title: T('Langdurige ondersteuning', 'Long-term support'),
          purpose: T('Blijven volgen hoe het gaat en het plan bijstellen.', 'Keep following how things go and adjust the plan.'),
          prompts: [T('Wat gaat beter dan de vorige keer, en wat is moeilijker geworden?', 'What is better than last time, and what has become harder?')],
          blocks: [{ core: 'lifeDomainPicture' }, { core: 'smallSteps' }, { field: { id: 'sa-next-review', kind: 'date', label: T('Volgende keer samen kijken', 'Next review together') } }],
          essentials: [{ id: 'sa-review-planned', text: T('Er is een datum om samen te kijken.', 'There is a date to review together.'), metWhen: filled('answers.sa-next-review') }],
        },
        {
          id: 'sa-afsluiten',
          title: T('Uitstroom', 'Outflow'),
          purpose: T('Het traject stopt met een reden: casemanager, langdurige zorg, zelfredzaam of overleden.', 'Support ends with a reason: case manager, long-term care, self-reliant or deceased.'),
          prompts: [T('Wie helpt je hierna, en weet die persoon wat er speelt?', 'Who helps you from now on, and do they know what is going on?')],
          blocks: [{ core: 'sa.outflowReason' }, { core: 'sa.outflowDate' }, { core: 'close' }],
          essentials: [
            { id: 'sa-outflow-reason', text: T('De reden van uitstroom staat erin.', 'The reason for outflow is recorded.'), metWhen: filled('sa.outflowReason') },
            { id: 'sa-handed-over', text: T('Wie het overneemt, weet wat er speelt.', 'Whoever takes over knows what is going on.') },
            { id: 'sa-closed', text: T('De casus is afgesloten.', 'The case is closed.'), metWhen: { equals: 'status', value: 'closed' } },
          ],
        },
      ],
    },
    samenwerkwijze: {
      summary: T('De Samenwerkwijze: de inwoner en alle betrokkenen werken als één team.', 'The Samenwerkwijze: the resident and everyone involved work as one team.'),
      steps: [
        {
          id: 'sww-signaleren',
          title: T('Signaleren en aanmelden', 'Signal and register'),
          purpose: T('Iemand ziet een vraag en meldt de inwoner aan, met toestemming.', 'Someone sees a question and registers the resident, with consent.'),
          prompts: [T('Mag ik met anderen overleggen om je te helpen? Ik vertel je met wie.', 'May I talk with others to help you? I will tell you with whom.')],
          blocks: [{ core: 'referral' }, { core: 'resident' }, { core: 'consent' }],
          essentials: consentEssentials('sww'),
        },
        {
          id: 'sww-voorbereiden',
          title: T('Voorbereiden', 'Prepare'),
          purpose: T('De drie vragen van de inwoner, alle levensgebieden en wie er aan tafel moet.', 'The resident’s three questions, all life domains and who must be at the table.'),
          prompts: [T('Wat wil je? Wat kun je zelf? Wat of wie heb je nodig?', 'What do you want? What can you do yourself? What or whom do you need?'), T('Wie wil je erbij hebben als we samen praten?', 'Whom would you like there when we talk together?')],
          blocks: [{ core: 'questions' }, { core: 'lifeDomains' }, { core: 'network' }, { field: { id: 'sww-invitees', kind: 'longText', label: T('Wie nodig je uit voor het samenwerkoverleg?', 'Whom do you invite to the samenwerkoverleg?') } }],
          essentials: [
            { id: 'sww-own-words', text: T('De inwoner beantwoordde de drie vragen in eigen woorden.', 'The resident answered the three questions in their own words.'), metWhen: filled('questions.wil') },
            { id: 'sww-domains', text: T('Je keek naar alle levensgebieden.', 'You looked at all life domains.'), metWhen: filled('lifeDomains') },
            { id: 'sww-invited', text: T('Je weet wie je uitnodigt.', 'You know whom you invite.'), metWhen: filled('answers.sww-invitees') },
          ],
        },
        {
          id: 'sww-overleg',
          title: T('Samenwerkoverleg', 'Samenwerkoverleg'),
          purpose: T('Met de inwoner en alle betrokkenen één samenwerkplan afspreken.', 'Agree one samenwerkplan with the resident and everyone involved.'),
          prompts: [T('Wat is voor jou nu het belangrijkste?', 'What matters most to you now?'), T('Wie doet wat, en wie houdt samen met jou de regie?', 'Who does what, and who holds the lead together with you?'), T('Wanneer kijken we samen of het werkt?', 'When do we look together at whether it works?')],
          blocks: [{ core: 'consultation' }, { core: 'smallSteps' }],
          essentials: [
            { id: 'sww-held', text: T('De datum van het overleg staat erin.', 'The date of the meeting is recorded.'), metWhen: filled('consultation.date') },
            { id: 'sww-resident-there', text: T('De inwoner was erbij.', 'The resident was there.'), metWhen: { equals: 'consultation.residentPresent', value: true } },
            { id: 'sww-actions', text: T('Het plan heeft acties, en bij elke actie wie die doet.', 'The plan has actions, each with who does it.'), metWhen: filled('consultation.actions') },
            { id: 'sww-lead', text: T('Iemand houdt samen met de inwoner de regie.', 'Someone holds the lead together with the resident.'), metWhen: filled('consultation.leadWithResident') },
            { id: 'sww-evaluation', text: T('Er is een datum om te evalueren.', 'There is a date to evaluate.'), metWhen: filled('consultation.evaluationDate') },
          ],
        },
        {
          id: 'sww-uitvoeren',
          title: T('Uitvoeren en regie voeren', 'Carry out and hold the lead'),
          purpose: T('De kleine stappen zetten en bijhouden hoe het gaat.', 'Take the small steps and keep track of how it goes.'),
          prompts: [T('Welke stap is gelukt? Wat was lastig?', 'Which step worked? What was hard?')],
          blocks: [{ core: 'smallSteps' }, { core: 'lifeDomains' }],
          essentials: [{ id: 'sww-steps-checked', text: T('Je keek met de inwoner hoe de stappen gaan.', 'You checked with the resident how the steps are going.') }],
        },
        closeStep('sww', T('Evalueren en afsluiten', 'Evaluate and close'), T('Terugkijken: wat is bereikt, wat leverde het op, wat leren we?', 'Look back: what was achieved, what did it bring, what do we learn?'), [T('Wat is er veranderd sinds het samenwerkoverleg?', 'What has changed since the samenwerkoverleg?'), T('Hoe tevreden ben je nu, op een schaal van 0 tot 10?', 'How satisfied are you now, on a scale of 0 to 10?')]),
      ],
    },
  },
  consultation: {
    id: 'overleg',
    title: T('Samenwerkoverleg', 'Samenwerkoverleg'),
    purpose: T('Alle betrokkenen en de inwoner spreken samen één plan af.', 'Everyone involved and the resident agree one plan together.'),
    prompts: [T('Wat is voor jou nu het belangrijkste?', 'What matters most to you now?'), T('Wie doet wat, en wie houdt samen met jou de regie?', 'Who does what, and who holds the lead together with you?')],
    blocks: [{ core: 'consultation' }],
    essentials: [
      { id: 'overleg-held', text: T('De datum van het overleg staat erin.', 'The date of the meeting is recorded.'), metWhen: filled('consultation.date') },
      { id: 'overleg-resident-there', text: T('De inwoner was erbij.', 'The resident was there.'), metWhen: { equals: 'consultation.residentPresent', value: true } },
      { id: 'overleg-actions', text: T('Het plan heeft acties, en bij elke actie wie die doet.', 'The plan has actions, each with who does it.'), metWhen: filled('consultation.actions') },
      { id: 'overleg-lead', text: T('Iemand houdt samen met de inwoner de regie.', 'Someone holds the lead together with the resident.'), metWhen: filled('consultation.leadWithResident') },
      { id: 'overleg-evaluation', text: T('Er is een datum om te evalueren.', 'There is a date to evaluate.'), metWhen: filled('consultation.evaluationDate') },
    ],
  },
  migrations: [],
}
