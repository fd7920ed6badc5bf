-- The company's knowledge base (module tools), what knowledge_base_search finds and answers
-- cite. Articles are the company's own published knowledge, kept in plain text so they can
-- be searched; customer data does not belong in them (README). terms holds the article's
-- search terms (shared.SearchTerms: words, and pairs of characters for Chinese, Japanese
-- and Korean, which pg's text search would not split), found through a GIN index.
CREATE TABLE kb_articles (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    title       text NOT NULL,
    body        text NOT NULL,
    terms       text[] NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX kb_articles_terms ON kb_articles USING gin (terms);
CREATE INDEX kb_articles_by_tenant ON kb_articles (tenant_id, updated_at DESC, id);
