/**
 * Runs before every server test file: password hashes made in this process use scrypt with
 * N = 2^10 instead of 2^15 (src/server/auth/passwords.ts, lowerCostForTests). Same algorithm and
 * format; it only takes the ~100 ms per sign-in out of a suite that signs in a few thousand times.
 * After each file it closes the databases tests handed back for reuse (helpers.ts, testDatabase).
 */
import { afterAll } from 'vitest'
import { lowerCostForTests } from '../../src/server/auth/passwords'
import { closeSpareDatabases } from './helpers'

lowerCostForTests(2 ** 10)

// The databases tests handed back for reuse (test/server/helpers.ts, testDatabase) end with the file.
afterAll(closeSpareDatabases)
