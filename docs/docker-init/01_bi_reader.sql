-- Runs once when the docker-compose server is first created: the read-only BI role.
-- Change the password before exposing the server beyond your machine.
CREATE ROLE bi_reader LOGIN PASSWORD 'bi_reader';
