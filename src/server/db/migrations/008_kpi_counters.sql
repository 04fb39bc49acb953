-- Counting ids issued by the server (issue 11; docs/device-trust.md "Counting ids and signed
-- snapshots"). Before this a device chose its own counting id and version, so anyone could store
-- figures under a made-up id and freeze them with a huge version. Now the server issues the id,
-- binds it to an approved device of one person in one organisation, and keys snapshots by it.

CREATE TABLE kpi_counters (
  id uuid PRIMARY KEY,
  -- The device whose signed snapshots count under this id. Null: a legacy id (below) nobody has
  -- claimed yet, or its device was deleted (its figures stay counted).
  device_id uuid REFERENCES devices (id) ON DELETE SET NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  -- The person it belongs to: only they may move it to another device of theirs.
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The last time it moved to another device (a backup restored onto a new phone).
  moved_at timestamptz,
  -- Its device took over another counting id: the figures stay counted, no new snapshot is taken.
  retired_at timestamptz,
  -- A device-chosen id from before issue 11, kept so its figures stay counted. The device that
  -- holds it claims it once (moving it to its registered device); after that it is an ordinary id.
  legacy boolean NOT NULL DEFAULT false
);
-- One live counting id per device: more would let one phone add its figures up several times.
CREATE UNIQUE INDEX kpi_counters_live ON kpi_counters (device_id) WHERE retired_at IS NULL AND device_id IS NOT NULL;
CREATE INDEX kpi_counters_user ON kpi_counters (user_id);
-- Every id a device has held, retired ones too: their figures count against the device's bounds.
CREATE INDEX kpi_counters_device ON kpi_counters (device_id);

-- Where a counting id was before: the old device's later snapshots are refused as counter-moved.
CREATE TABLE kpi_counter_moves (
  id bigserial PRIMARY KEY,
  counter_id uuid NOT NULL REFERENCES kpi_counters (id) ON DELETE CASCADE,
  from_device_id uuid,
  to_device_id uuid NOT NULL,
  moved_by uuid,
  moved_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_counter_moves_from ON kpi_counter_moves (counter_id, from_device_id);

-- Snapshots are keyed by counting id. Every id that has snapshots becomes a legacy counter, so
-- nothing already counted is lost; its organisation is that of its newest snapshot.
ALTER TABLE kpi_snapshots RENAME COLUMN device_id TO counter_id;
ALTER TABLE kpi_counts RENAME COLUMN device_id TO counter_id;
INSERT INTO kpi_counters (id, organisation_id, created_at, legacy)
SELECT DISTINCT ON (counter_id) counter_id, organisation_id, received_at, true
FROM kpi_snapshots ORDER BY counter_id, received_at DESC;
ALTER TABLE kpi_snapshots ADD FOREIGN KEY (counter_id) REFERENCES kpi_counters (id);

-- A version frozen far in the future (the attack of issue 11: MAX_SAFE_INTEGER) would block every
-- later snapshot of its id. A version is the device's clock in ms; none may be later than its arrival.
UPDATE kpi_snapshots SET snapshot_version = least(snapshot_version, (extract(epoch FROM received_at) * 1000)::bigint);
