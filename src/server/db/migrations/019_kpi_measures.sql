-- The programme's steering measures (issue 18; docs/kpi.md): counts per measure, bucket and
-- breakdown cell, per counting id and period, replaced whole with each newer snapshot like kpi_counts.
CREATE TABLE kpi_measures (
  counter_id uuid NOT NULL,
  period text NOT NULL,
  measure text NOT NULL,
  bucket text NOT NULL,
  intervention text NOT NULL,
  municipality text NOT NULL,
  referrer_type text NOT NULL,
  age_band text NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  PRIMARY KEY (counter_id, period, measure, bucket, intervention, municipality, referrer_type, age_band),
  FOREIGN KEY (counter_id, period) REFERENCES kpi_snapshots (counter_id, period) ON DELETE CASCADE
);
CREATE INDEX kpi_measures_period ON kpi_measures (period, measure);

-- The evidence (bewijslast): what the device signed, as it signed it, so anyone can check the
-- signature later (docs/kpi.md "Evidence"). `signed` holds the version, rows and measures as sent
-- (array order kept), the signing device and its public signing key at the time; null for
-- snapshots stored before this (their figures stand, the evidence file says they are unsigned).
ALTER TABLE kpi_snapshots ADD COLUMN signed jsonb;
