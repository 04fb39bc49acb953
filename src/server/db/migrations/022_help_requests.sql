-- "Ik wil hulp" (issue 20, docs/help-request.md): a resident's own request for help, without a
-- sending user or device. Its own table rather than a nullable sender on `referrals`: every
-- referral query, event and key rule relies on a signed sender (a GP's certified device), and a
-- request from nobody in particular must never pass through those paths as if it had one.
-- The server keeps routing metadata and the sealed box only: the municipality, the receiving
-- organisation, when it arrived and by when a worker answers. What the resident wrote is in
-- `sealed` (v3, unauthenticated sender), which only the receiving devices can open.
CREATE TABLE help_requests (
  id uuid PRIMARY KEY,
  municipality text NOT NULL,
  receiving_organisation_id uuid NOT NULL REFERENCES organisations (id),
  received_at timestamptz NOT NULL,
  answer_by date NOT NULL,
  sealed jsonb NOT NULL
);
CREATE INDEX help_requests_receiver ON help_requests (receiving_organisation_id, received_at);
