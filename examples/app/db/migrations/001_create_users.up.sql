CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    email      text NOT NULL UNIQUE,
    phone      text,
    address    text,
    created_at timestamptz NOT NULL DEFAULT now()
);
