/** npm run seed:generate -- <n> <file>: writes n synthetic services (seeded) as an HSDS array. */
import { writeFile } from 'node:fs/promises'
import { generateServices } from '../seed/syntheticServices'
import { fail } from './openForCli'

const n = Number(process.argv[2])
const file = process.argv[3]
if (!Number.isInteger(n) || n < 1 || !file) fail('Usage: npm run seed:generate -- <number of services> <file.json>')
await writeFile(file, JSON.stringify(generateServices(n)))
console.log(`${n} synthetic services written to ${file}.`)
