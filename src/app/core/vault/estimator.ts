/**
 * The strength estimator with its dictionaries (Dutch and common passwords): about a megabyte,
 * so it is only ever imported dynamically (strength.ts) and stays out of the social map's bundle.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as dutch from '@zxcvbn-ts/language-nl-be'

/** Words of the app itself that anyone guessing would try first. */
const APP_WORDS = ['samenwerkwijze', 'samen', 'gezondheid', 'welzijn', 'casus', 'casussen', 'kluis', 'wachtzin', 'wachtwoord', 'toegangscode', 'huisarts', 'verwijzing', 'oss', 'uden', 'maashorst', 'bernheze', 'meierijstad', 'boekel']

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...dutch.dictionary, app: APP_WORDS },
  graphs: common.adjacencyGraphs,
  translations: dutch.translations,
})

/** zxcvbn's score (0–4) and its estimate of the guesses needed, as log10. */
export function estimate(passphrase: string, userInputs: string[] = []): { score: number; guessesLog10: number } {
  const r = zxcvbn.check(passphrase, userInputs)
  return { score: r.score, guessesLog10: r.guessesLog10 }
}
