-- Knowledge bases (README §Knowledge): documents split into chunks, each with its embedding as float32 little-endian
-- bytes. A document's text waits in pending_text while it is indexed, so indexing resumes after a restart; its chunks are
-- replaced in one transaction when it is indexed again.
create table knowledge_bases (
    id text primary key,
    name text not null,
    model text,
    created_at bigint not null,
    updated_at bigint not null
);

create table knowledge_documents (
    id text primary key,
    base_id text not null references knowledge_bases (id) on delete cascade,
    source text not null,
    content_hash text not null,
    status text not null,
    error text,
    chunks_done integer not null,
    chunks_total integer not null,
    chunk_count integer not null,
    added_at bigint not null,
    updated_at bigint not null,
    pending_text text,
    unique (base_id, source)
);

create table knowledge_chunks (
    document_id text not null references knowledge_documents (id) on delete cascade,
    ordinal integer not null,
    base_id text not null,
    text text not null,
    embedding bytea not null,
    primary key (document_id, ordinal)
);

create index knowledge_chunks_base on knowledge_chunks (base_id);
