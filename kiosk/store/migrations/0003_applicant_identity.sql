-- A result may be collected with the applicant's ID card: the keyed hash of the applicant's
-- ID number, never the number itself.
ALTER TABLE deposits ADD COLUMN applicant_hash TEXT;
CREATE INDEX deposits_applicant ON deposits (applicant_hash) WHERE state = 'stored';
