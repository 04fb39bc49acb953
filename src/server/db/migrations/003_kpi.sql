-- Inclusion counts from devices: per device and period only the newest snapshot counts.
CREATE TABLE kpi_snapshots (
  device_id uuid NOT NULL,
  period text NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  snapshot_version bigint NOT NULL,
  correction boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, period)
);

CREATE TABLE kpi_counts (
  device_id uuid NOT NULL,
  period text NOT NULL,
  intervention text NOT NULL,
  municipality text NOT NULL,
  referrer_type text NOT NULL,
  referred integer NOT NULL,
  included integer NOT NULL,
  completed integer NOT NULL,
  included_cumulative integer NOT NULL,
  PRIMARY KEY (device_id, period, intervention, municipality, referrer_type),
  FOREIGN KEY (device_id, period) REFERENCES kpi_snapshots (device_id, period) ON DELETE CASCADE
);
CREATE INDEX kpi_counts_period ON kpi_counts (period, intervention);
