// The server suite's second run, on PostgreSQL. Uses TEST_DATABASE_URL when set; otherwise,
// as root with Debian's PostgreSQL available (CI, this project's machines), starts a local
// cluster through .ci/postgres.sh. Without either it says so and fails, rather than
// silently running nothing.
import { execFileSync, spawnSync } from 'node:child_process'

let url = process.env.TEST_DATABASE_URL
if (!url && process.getuid?.() === 0) {
  url = execFileSync('bash', ['.ci/postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)
}
if (!url) {
  console.error('No PostgreSQL for the server tests: set TEST_DATABASE_URL=postgres://… (README, "Running on PostgreSQL").')
  process.exit(1)
}
console.log('Server tests on PostgreSQL, then two server processes sharing it')
const result = spawnSync('npx', ['vitest', 'run', '--project', 'server', '--project', 'multiprocess'], { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: url } })
process.exit(result.status ?? 1)
