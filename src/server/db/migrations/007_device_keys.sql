-- Trust foundations, part 2 (issue 11; docs/device-trust.md): a device registers three public
-- keys, answers the server's challenges with its authentication key, and a session is bound to
-- the device it runs on, so revoking a device ends its sessions.

-- ECDSA P-256 public keys (JWK). A device registered before this has neither and must register
-- again: it cannot answer a challenge, so it cannot bind a session or act.
ALTER TABLE devices ADD COLUMN auth_key jsonb;
ALTER TABLE devices ADD COLUMN signing_key jsonb;
-- The last time the device proved itself to the server (a status check or a binding).
ALTER TABLE devices ADD COLUMN last_contact_at timestamptz;

-- The device a session runs on, once the device proved it holds its authentication key.
ALTER TABLE sessions ADD COLUMN device_id uuid REFERENCES devices (id) ON DELETE CASCADE;
CREATE INDEX sessions_device ON sessions (device_id);

-- One-time challenges: only a hash is kept; a challenge is good once, for a short while.
CREATE TABLE device_challenges (
  challenge_hash text PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('status', 'bind')),
  expires_at timestamptz NOT NULL
);
CREATE INDEX device_challenges_expiry ON device_challenges (expires_at);

-- Times: the server's own clock decides sent_at / at; what the device says it recorded while
-- offline is kept beside it, clamped, and shown as "vastgelegd offline op".
ALTER TABLE referrals ADD COLUMN recorded_at timestamptz;
ALTER TABLE referral_events ADD COLUMN recorded_at timestamptz;
