from fastapi import FastAPI

from .routers import attachments, tickets

app = FastAPI(title="Helpdesk")
app.include_router(tickets.router)
app.include_router(attachments.router)
