-- The users table. Applied at start-up, under an advisory lock, by both services;
-- every statement is idempotent, so applying it again changes nothing.
CREATE TABLE IF NOT EXISTS users (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      TEXT        NOT NULL,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An address is unique whatever its letter case: a@example.com and A@Example.com conflict.
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (lower(email));
