-- Tariff plans (F8.1). Every new user starts on "free".
INSERT INTO plans (id, name, max_computers, max_concurrent_sessions) VALUES
  ('free', 'Free', 3, 1),
  ('pro', 'Pro', 50, 5),
  ('business', 'Business', 1000, 50);
