-- 003: session-backed features (S-S5 cart, S-S6 signup, S-S7/S-S8 devices).

-- The catalogue of the cart lesson: Korean and English names, KRW prices.
CREATE TABLE products (
    id        INTEGER PRIMARY KEY,
    sku       TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 32),
    name_ko   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    price_krw INTEGER NOT NULL CHECK (price_krw > 0)
);
INSERT INTO products (id, sku, name_ko, name_en, price_krw) VALUES
    (1,  'kimchi',      '배추김치 1kg',        'Napa cabbage kimchi 1 kg', 12900),
    (2,  'gochujang',   '고추장 500g',          'Gochujang 500 g',           8500),
    (3,  'doenjang',    '된장 500g',            'Doenjang 500 g',            7900),
    (4,  'sesame-oil',  '참기름 320ml',         'Sesame oil 320 ml',        11000),
    (5,  'laver',       '조미김 10봉',          'Seasoned laver, 10 packs',  6900),
    (6,  'tteok',       '떡볶이 떡 1kg',        'Rice cakes for tteokbokki 1 kg', 5500),
    (7,  'ramyeon',     '라면 5개입',           'Ramyeon, pack of 5',        4800),
    (8,  'rice',        '햅쌀 10kg',            'New-crop rice 10 kg',      32000),
    (9,  'barley-tea',  '보리차 30티백',        'Barley tea, 30 bags',       3900),
    (10, 'yuja-tea',    '유자차 1kg',           'Yuja tea 1 kg',            13500),
    (11, 'makgeolli',   '생막걸리 750ml',       'Fresh makgeolli 750 ml',    2500),
    (12, 'honey',       '아카시아 꿀 1.2kg',    'Acacia honey 1.2 kg',      29000);

-- A logged-in user's cart: its own table, so it outlives every session.
CREATE TABLE user_carts (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    qty        INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 99),
    PRIMARY KEY (user_id, product_id)
) WITHOUT ROWID;

-- What the signup wizard (S-S6) collects beyond the users row.
CREATE TABLE user_profiles (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    terms_at   INTEGER NOT NULL,      -- Unix seconds of each agreement
    privacy_at INTEGER NOT NULL,
    marketing  INTEGER NOT NULL DEFAULT 0 CHECK (marketing IN (0, 1)),
    verified   INTEGER NOT NULL       -- when the email code was confirmed
);
