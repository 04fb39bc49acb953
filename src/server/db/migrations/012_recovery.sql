-- The organisation recovery key (issue 16; docs/case-sync.md, "Recovery"). The server keeps the
-- public half (signed by a beheerder's certified device), the private half sealed to the devices of
-- the recovery group (at least two beheerders), and each worker's user keys sealed to the public
-- half. It cannot open any of them. A recovery needs two beheerders: one starts it, another confirms.

CREATE TABLE recovery_keys (
  id uuid PRIMARY KEY,
  -- One recovery key per organisation (replacing it is not part of this version).
  organisation_id uuid NOT NULL UNIQUE REFERENCES organisations (id) ON DELETE CASCADE,
  -- recoveryKeySchema (src/shared/api/caseRecovery.ts), signature included.
  body jsonb NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The private half sealed (sealed v2) to one device of the recovery group.
CREATE TABLE recovery_key_boxes (
  recovery_key_id uuid NOT NULL REFERENCES recovery_keys (id) ON DELETE CASCADE,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  box jsonb NOT NULL,
  PRIMARY KEY (recovery_key_id, device_id)
);

-- A worker's user key sealed to the recovery key by one of the worker's devices; the first box per key is kept.
CREATE TABLE user_recovery_boxes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_key_id uuid NOT NULL,
  recovery_key_id uuid NOT NULL REFERENCES recovery_keys (id) ON DELETE CASCADE,
  -- The device that sealed it (its certificate verifies the box's signature).
  device_id uuid NOT NULL,
  box jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, user_key_id, recovery_key_id)
);

-- Started by one beheerder for a worker's new, approved device; confirmed by another one of the group.
CREATE TABLE recovery_requests (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  started_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  confirmed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  confirmed_device_id uuid,
  confirmed_at timestamptz,
  CHECK (confirmed_by IS NULL OR confirmed_by <> started_by)
);
CREATE INDEX recovery_requests_organisation ON recovery_requests (organisation_id, started_at);
CREATE INDEX recovery_requests_user ON recovery_requests (user_id);
