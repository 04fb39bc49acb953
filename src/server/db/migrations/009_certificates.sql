-- Certificates: who vouches for a device (issue 11 finding 4; docs/device-trust.md). The server
-- keeps the organisation's public key and each device's certificate; phones check the chain
-- themselves, the server checks it too.

-- ECDSA P-256 public key (JWK), set once by a beheerder's phone. Not replaceable through the API:
-- a lost organisation key needs a region-side procedure.
ALTER TABLE organisations ADD COLUMN organisation_key jsonb;
-- The certificate the approving beheerder's phone signed (a beheerder's own: signed by the
-- organisation key). An approved device without one (approved before this) is no recipient and
-- cannot send until a beheerder certifies it.
ALTER TABLE devices ADD COLUMN certificate jsonb;

-- The device that signed the box (sealed v2): its certificate lets the receiver verify it.
ALTER TABLE referrals ADD COLUMN sender_device_id uuid REFERENCES devices (id) ON DELETE SET NULL;
ALTER TABLE referral_events ADD COLUMN sender_device_id uuid REFERENCES devices (id) ON DELETE SET NULL;
