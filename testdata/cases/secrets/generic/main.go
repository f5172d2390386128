package main

import (
	"database/sql"
	"fmt"
	"os"

	"github.com/go-sql-driver/mysql"
	_ "github.com/microsoft/go-mssqldb"
)

const ledgerDSN = "sqlserver://ledger:Gsxw7I-R-Z@sql-prod.corp.local:1433?database=ledger" // expect: mssql-uri-password

type Config struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

func openShop() (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User = "shop"
	cfg.Passwd = "bM!oSfS28Jp+" // expect: generic-password-assignment
	cfg.Addr = "mysql-primary.prod.svc:3306"
	return sql.Open("mysql", cfg.FormatDSN())
}

func openFromEnv(c Config) (*sql.DB, error) {
	password := os.Getenv("DB_PASSWORD")
	if password == "" {
		password = c.Password
	}
	dsn := fmt.Sprintf("sqlserver://%s:%s@%s", c.User, password, "localhost")
	return sql.Open("sqlserver", dsn)
}
