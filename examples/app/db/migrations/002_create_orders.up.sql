CREATE TABLE orders (
    id        bigserial PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users (id),
    total     numeric(10, 2) NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
