/** Server settings from the environment, validated once at start. */
import { z } from 'zod'

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  STATIC_DIR: z.string().default('./dist'),
})
export type ServerConfig = z.infer<typeof envSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid settings in the environment: ${reasons}`)
  }
  if (parsed.data.DATABASE_URL) {
    throw new Error('DATABASE_URL (PostgreSQL) is not supported yet; unset it to use the embedded database in DATA_DIR.')
  }
  return parsed.data
}
