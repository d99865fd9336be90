-- The users table. Applied at start-up, under an advisory lock, by both services;
-- every statement is idempotent, so applying it again changes nothing.
CREATE TABLE IF NOT EXISTS users (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An address is unique whatever its letter case, in any script: the index compares with
-- ICU's root collation at strength 2 (und-u-ks-level2), which ignores case and treats
-- canonically equivalent forms (NFC, NFD) as equal, so a@example.com and A@Example.com,
-- éx@example.com and ÉX@example.com conflict. The column itself keeps the default
-- collation (LIKE does not work on a nondeterministic one) and stores the address as sent.
CREATE COLLATION IF NOT EXISTS email_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_ci_key ON users ((email COLLATE email_ci));
