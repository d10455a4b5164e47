-- The "production" database the demo starts from: the golden copy every
-- environment is cloned from. The people in it are fictional. It is at
-- migration 2 of migrations/; a pull request adds the ones after it.
CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    email      text NOT NULL UNIQUE,
    phone      text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id       bigserial PRIMARY KEY,
    user_id  bigint NOT NULL REFERENCES users (id),
    total    numeric(10, 2) NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO users (name, email, phone)
SELECT 'User ' || g, 'user' || g || '@example.com', '+1-555-01' || lpad(g::text, 2, '0')
FROM generate_series(1, 50) g;
INSERT INTO orders (user_id, total)
SELECT 1 + (g % 50), round((g * 7.31)::numeric % 200, 2)
FROM generate_series(1, 120) g;
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (2, false);
