-- The Data Protection key ring shared by every instance (README §Running several instances): a secret encrypted on
-- one instance is read on another, and a sign-in cookie issued by one is accepted by the others. Each row is one key
-- as Data Protection writes it (encrypted with ChatFlows:Storage:KeysCertificate when one is set).
create table data_protection_keys (
    friendly_name text primary key,
    xml text not null,
    created_at bigint not null
);
