-- Referrals from the GP (issue 5). The server keeps routing metadata and sealed boxes only:
-- ids, intervention, organisations, status and times. Patient data is in `sealed`, which only
-- the recipients' devices can open.
CREATE TABLE referral_routes (
  intervention text NOT NULL CHECK (intervention IN ('wor', 'vg', 'sa')),
  municipality text NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (intervention, municipality)
);

CREATE TABLE referrals (
  id uuid PRIMARY KEY,
  intervention text NOT NULL CHECK (intervention IN ('wor', 'vg', 'sa')),
  sender_organisation_id uuid NOT NULL REFERENCES organisations (id),
  sender_user_id uuid NOT NULL REFERENCES users (id),
  receiving_organisation_id uuid NOT NULL REFERENCES organisations (id),
  status text NOT NULL DEFAULT 'verstuurd' CHECK (status IN ('verstuurd', 'ontvangen', 'geaccepteerd', 'afgewezen', 'contact', 'gesprek', 'afgerond')),
  sent_at timestamptz NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  first_contact_due date,
  first_contact_at timestamptz,
  sealed jsonb NOT NULL
);
CREATE INDEX referrals_receiver ON referrals (receiving_organisation_id, status);
CREATE INDEX referrals_sender ON referrals (sender_user_id, sent_at);

CREATE TABLE referral_events (
  id uuid PRIMARY KEY,
  referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('ontvangen', 'geaccepteerd', 'afgewezen', 'contact', 'gesprek', 'afgerond', 'bericht')),
  at timestamptz NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid NOT NULL REFERENCES users (id),
  sealed jsonb
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, stored_at);
