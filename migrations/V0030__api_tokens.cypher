// API tokens of the server: looked up by the sha256 of the secret on every request, listed
// and revoked by name.
CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE;
CREATE INDEX api_token_name IF NOT EXISTS FOR (t:ApiToken) ON (t.name);
