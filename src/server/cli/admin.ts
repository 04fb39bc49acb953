/**
 * npm run admin -- <command>
 *   org:create [--region] <name>                        create an organisation (--region: the region's programme office, one only)
 *   user:create <email> <name> <organisation> <role>    create a person (or add a role); prints a new password
 *   user:unlock <email>                                 lift a beheerder's lock and any wait after failed sign-ins
 *   bootstrap                                           a new one-time link for the first beheerder (terminal, or DATA_DIR/bootstrap-link.txt)
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { roleSchema } from '../../shared/accounts/schemas'
import { AccountError, addMember, createOrganisation, newBootstrapCode, unlockUser } from '../auth/accounts'
import { announceBootstrapCode } from '../bootstrapLink'
import { guardKeys, SignInGuard } from '../auth/signIn'
import { databaseTarget, readConfig } from '../config'
import { loadServerKey } from '../secrets/serverKey'
import { fail, openForCli } from './openForCli'

const [command, ...args] = process.argv.slice(2)
const USAGE = 'Usage: npm run admin -- org:create [--region] <name> | user:create <email> <name> <organisation> <role> | user:unlock <email> | bootstrap'

async function main() {
  const { db, dataDir, done } = await openForCli('admin command')
  try {
    switch (command) {
      case 'org:create': {
        const isRegion = args[0] === '--region'
        const name = z.string().trim().min(2).max(200).safeParse(isRegion ? args[1] : args[0])
        if (!name.success) fail('Give the organisation a name of 2 to 200 characters.')
        console.log(`Organisation ${name.data}: ${await createOrganisation(db, name.data, null, { isRegion })}`)
        break
      }
      case 'user:create': {
        const [email, name, organisation, role] = args
        const parsedEmail = z.email().safeParse(email)
        const parsedRole = roleSchema.safeParse(role)
        if (!parsedEmail.success || !name || !organisation || !parsedRole.success) fail(`${USAGE}\nRoles: ${roleSchema.options.join(', ')}`)
        const org = await db.query<{ id: string }>('SELECT id FROM organisations WHERE name = $1', [organisation])
        if (!org.rows[0]) fail(`No organisation named "${organisation}". Create it first with org:create.`)
        // A random password, shown once: the person signs in with it and sets up two-step sign-in.
        const password = randomBytes(12).toString('base64url')
        const { created } = await db.transaction((tx) => addMember(tx, { email: parsedEmail.data.toLowerCase(), name, password }, org.rows[0]!.id, parsedRole.data, null))
        console.log(created ? `Created ${parsedEmail.data} as ${parsedRole.data}. Password (shown once): ${password}` : `${parsedEmail.data} now also has the role ${parsedRole.data}.`)
        break
      }
      case 'user:unlock': {
        const user = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [String(args[0]).toLowerCase()])
        if (!user.rows[0]) fail(`No account for ${args[0]}.`)
        const config = readConfig()
        const keys = guardKeys(loadServerKey({ envKey: config.SERVER_KEY, dataDir: config.DATA_DIR, embedded: databaseTarget(config).kind === 'pglite' }))
        await unlockUser(db, user.rows[0].id, new SignInGuard().accountKey(keys, String(args[0])), null, null)
        console.log(`${args[0]} can sign in again.`)
        break
      }
      case 'bootstrap':
        // On a terminal only; otherwise into DATA_DIR/bootstrap-link.txt (0600), as the server does.
        announceBootstrapCode({ code: await newBootstrapCode(db), origin: `http://localhost:${readConfig().PORT}`, dataDir, isTerminal: process.stdout.isTTY === true })
        break
      default:
        fail(USAGE)
    }
  } catch (e) {
    if (e instanceof AccountError) fail(e.message)
    throw e
  } finally {
    await done()
  }
}

main().catch((e: unknown) => fail(`Failed: ${e instanceof Error ? e.message : String(e)}`))
