/** Which pages are the professionals' (their own shell, ProShell.vue) and which of those come before sign-in. */
const PRO_PREFIXES = ['/beheer', '/werk', '/verwijzen']
const SIGNED_OUT = ['/beheer/inloggen', '/beheer/start', '/beheer/link']

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`)

export const isProPath = (path: string): boolean => PRO_PREFIXES.some((p) => under(path, p))
export const isSignedOutProPath = (path: string): boolean => SIGNED_OUT.some((p) => under(path, p))
