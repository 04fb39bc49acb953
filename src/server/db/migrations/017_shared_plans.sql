-- The samenwerkplan shared with participants (issue 17 points 1–3 and 5; docs/shared-plan.md
-- "Server"; src/server/plans/). The casusregisseur's phone sends each version of the plan as one
-- sealed box per participant; the server keeps only the newest box per person, and the responses
-- participants send (encrypted under the plan's response key, signed by their device). The server
-- opens none of it.

-- A plan belongs to one case (its sync document), bound on first use; `version` is the newest sent (0: none yet).
CREATE TABLE shared_plans (
  plan_id uuid PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES sync_documents (id) ON DELETE CASCADE,
  version integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX shared_plans_document ON shared_plans (document_id);

-- The lead asks a professional (a huisarts or sociaal-werker of any organisation) by exact e-mail; a
-- row is stored only when such a person exists. Accepting records the organisation they act for.
CREATE TABLE plan_invitations (
  plan_id uuid NOT NULL REFERENCES shared_plans (plan_id) ON DELETE CASCADE,
  invitee_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  -- The organisation of the lead's device when inviting (its name is shown to the invitee).
  inviter_organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  -- Accepting is possible until then, and an acceptance counts until then (14 days; inviting again renews).
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  declined_at timestamptz,
  -- Set on accepting: the organisation of the invitee's device, the one they act for.
  organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
  PRIMARY KEY (plan_id, invitee_id),
  CHECK ((accepted_at IS NULL) = (organisation_id IS NULL)),
  CHECK (accepted_at IS NULL OR declined_at IS NULL)
);
CREATE INDEX plan_invitations_invitee ON plan_invitations (invitee_id);

-- Who receives the plan now (the newest version's list), and the organisation they act for.
CREATE TABLE plan_recipients (
  plan_id uuid NOT NULL REFERENCES shared_plans (plan_id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL,
  PRIMARY KEY (plan_id, user_id)
);
CREATE INDEX plan_recipients_user ON plan_recipients (user_id);

-- Only the newest box per person: a sealed v2 box (sealSigned, context planBoxContext) to their devices.
CREATE TABLE plan_boxes (
  plan_id uuid NOT NULL,
  user_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  box jsonb NOT NULL,
  sender_device_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (plan_id, user_id),
  FOREIGN KEY (plan_id, user_id) REFERENCES plan_recipients (plan_id, user_id) ON DELETE CASCADE
);

-- A participant's answers: ciphertext under the plan's response key, signed by their device; `seq` is the server's order.
CREATE TABLE plan_responses (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  plan_id uuid NOT NULL REFERENCES shared_plans (plan_id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  device_id uuid NOT NULL,
  gen integer NOT NULL CHECK (gen >= 1),
  iv text NOT NULL,
  ciphertext text NOT NULL,
  signature text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX plan_responses_plan ON plan_responses (plan_id, seq);

ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('create', 'fetch', 'update', 'snapshot', 'share', 'handover', 'remove', 'recover', 'invite', 'invite-plan', 'share-plan', 'plan-response'));
