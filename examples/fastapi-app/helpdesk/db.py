import sqlite3

DB_PATH = "helpdesk.db"


def connect():
    return sqlite3.connect(DB_PATH)


def get_db():
    db = connect()
    try:
        yield db
    finally:
        db.close()
