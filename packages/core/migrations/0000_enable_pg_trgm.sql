-- Trigram indexes serve the substring search of the list endpoints' `query` parameter.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
