"""Request bodies: Pydantic validates each field against its declared type before a route sees it."""
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, conint, constr


class TicketIn(BaseModel):
    subject: str
    body: str
    queue: Literal["support", "billing", "security"]
    customer_id: UUID
    priority: conint(ge=1, le=5)
    reference: constr(pattern=r"^[A-Z]{2}-[0-9]{6}$")


class ReplyIn(BaseModel):
    ticket_id: int
    message: str
