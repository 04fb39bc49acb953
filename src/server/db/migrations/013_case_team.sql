-- Colleagues on a case (issue 16 part 2; docs/case-sync.md "The team"). Each worker has one
-- exchange key: an ECDH P-256 key pair for receiving case keys from colleagues
-- (src/shared/caseSync/exchange.ts). The server keeps the public half, the private half encrypted
-- under the worker's user key (it cannot open it), and the signature of the certified device that
-- made it. A document key sealed to a colleague's exchange key is a row of sync_key_boxes whose
-- user_key_id is the exchange key's id.
CREATE TABLE user_exchange_keys (
  key_id uuid PRIMARY KEY,
  -- One per worker: the first one stored stays (a second device that raced gets 409 and takes it).
  user_id uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  device_id uuid NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
