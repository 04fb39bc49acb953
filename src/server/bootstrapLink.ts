/**
 * Where the one-time link for the first beheerder goes. Whoever holds it can create the first
 * account, so it goes to the terminal of the person who started the server, and otherwise
 * (a service manager, a container, anything collecting stdout beside the JSON logs) into
 * DATA_DIR/bootstrap-link.txt, readable by this user only, with only its place on stdout.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const BOOTSTRAP_LINK_FILE = 'bootstrap-link.txt'

export interface BootstrapAnnouncement {
  code: string
  /** Where the app is reached, e.g. http://localhost:8080 */
  origin: string
  dataDir: string
  isTerminal: boolean
  print?: (line: string) => void
}

export function announceBootstrapCode({ code, origin, dataDir, isTerminal, print = console.log }: BootstrapAnnouncement): void {
  const link = `${origin}/beheer/start#${code}`
  if (isTerminal) {
    print(`No accounts yet. Create the first beheerder at ${link}`)
    print(`(one-time code: ${code}; a restart makes a new one)`)
    return
  }
  const file = resolve(join(dataDir, BOOTSTRAP_LINK_FILE))
  mkdirSync(dataDir, { recursive: true })
  // A new file each time: an existing one might have been made readable by others.
  rmSync(file, { force: true })
  writeFileSync(file, `One-time link for the first beheerder (a restart makes a new one):\n${link}\n\nCode: ${code}\n`, { mode: 0o600, flag: 'wx' })
  print(`No accounts yet. The one-time link for the first beheerder is in ${file} (readable by this user only).`)
}

/** Once accounts exist the link is spent: take the file away. */
export function forgetBootstrapCode(dataDir: string): void {
  rmSync(join(dataDir, BOOTSTRAP_LINK_FILE), { force: true })
}
