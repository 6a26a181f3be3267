-- dev: a database per service on the one PostgreSQL (each service owns its database).
CREATE DATABASE identity;
CREATE DATABASE catalog;
CREATE DATABASE inventory;
CREATE DATABASE cart;
CREATE DATABASE orders;
CREATE DATABASE payments;
