-- The start of a recovery, signed by the starting beheerder's certified device (issue 16;
-- docs/case-sync.md "Recovery"). The confirming phone and the worker's new device check it, so
-- the server's word that a second beheerder took part is not enough. Null: a request from before.
ALTER TABLE recovery_requests ADD COLUMN start jsonb;
