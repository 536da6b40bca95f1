"""Uploads: the client names the file."""
import os

from fastapi import APIRouter, File, Form, UploadFile
from werkzeug.utils import secure_filename

router = APIRouter(prefix="/attachments")
UPLOADS = "/srv/helpdesk/uploads"


@router.post("/")
async def upload(file: UploadFile = File(...), ticket: int = Form(...)):
    with open(os.path.join(UPLOADS, file.filename), "wb") as out:  # expect: K705
        out.write(await file.read())
    return {"ticket": ticket}


@router.post("/safe")
async def upload_safe(file: UploadFile = File(...), ticket: int = Form(...)):
    with open(os.path.join(UPLOADS, secure_filename(file.filename)), "wb") as out:  # ok: K705
        out.write(await file.read())
    return {"ticket": ticket}
