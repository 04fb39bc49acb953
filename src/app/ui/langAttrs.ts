import { directionOf } from '../i18n'

/**
 * `lang` and `dir` for a text in its own language inside a page in another (a Dutch listing name
 * in an Arabic page): read with the right voice, and laid out in its own direction, so its
 * punctuation and numbers stay in place ("Eigen bijdrage: € 3,60 per keer").
 */
export const langAttrs = (lang: string | undefined): { lang?: string; dir?: 'ltr' | 'rtl' } => (lang ? { lang, dir: directionOf(lang) } : {})
