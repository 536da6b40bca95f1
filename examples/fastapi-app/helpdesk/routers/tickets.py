"""The /tickets router, included by main.py."""
import logging
import subprocess

from fastapi import APIRouter, Depends

from ..db import get_db
from ..deps import agent_name, page_number, search_terms
from ..schemas import ReplyIn, TicketIn

router = APIRouter(prefix="/tickets")
log = logging.getLogger("helpdesk")


@router.post("/")
def open_ticket(ticket: TicketIn, db=Depends(get_db)):
    db.execute("INSERT INTO tickets (subject) VALUES ('%s')" % ticket.subject)  # expect: K701
    db.execute("INSERT INTO tickets (subject) VALUES (?)", (ticket.subject,))  # ok: K701
    # Fields declared as a Literal, a constrained pattern, a bounded int and a UUID cannot carry a line break.
    log.info("new ticket in " + ticket.queue + " for " + ticket.reference)  # ok: K717
    log.info("priority " + str(ticket.priority) + " for customer " + str(ticket.customer_id))  # ok: K717
    log.info("subject: " + ticket.subject)  # expect: K717
    return {"ok": True}


@router.get("/search")
def search(terms: str = Depends(search_terms), page: int = Depends(page_number), db=Depends(get_db)):
    sql = "SELECT id, subject FROM tickets WHERE subject LIKE '%" + terms + "%' LIMIT 20 OFFSET " + str(page * 20)
    return db.execute(sql).fetchall()  # expect: K701


@router.get("/search-safe")
def search_safe(terms: str = Depends(search_terms), page: int = Depends(page_number), db=Depends(get_db)):
    sql = "SELECT id, subject FROM tickets WHERE subject LIKE ? LIMIT 20 OFFSET " + str(page * 20)
    return db.execute(sql, ("%" + terms + "%",)).fetchall()  # ok: K701


@router.post("/reply")
def reply(reply: ReplyIn, agent: str = Depends(agent_name)):
    log.info("reply by " + agent)  # expect: K717
    log.info("reply by %s", agent.replace("\r", "").replace("\n", ""))  # ok: K717
    subprocess.run(["notify-customer", "--text", reply.message])  # ok: K702
    subprocess.run("notify-customer --text '" + reply.message + "'", shell=True)  # expect: K702
    return {"ok": True}
