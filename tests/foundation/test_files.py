"""Files leave the platform only through the scoped download views (carbonms/common/files.py).

Regression tests of issue 9 ("Files"): /media/ is never routed; another enterprise's or park's file
answers 404 through the scoped URL; an uploaded HTML/SVG is a download (attachment, octet-stream,
nosniff, CSP); PDF/PNG/JPEG inline only by their content; a Content-Security-Policy on pages, API,
static files and downloads; no zip slip in the evidence pack; API ``file`` fields link to the scoped
URLs; the files of refused imports are removed after the retention period.
"""
from __future__ import annotations

import datetime as dt
import importlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from carbonms.common import files
from tests.matrix import carbondata as data_matrix
from tests.matrix import management as ms_matrix

# --------------------------------------------------------------------------- helpers


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _evidence(w, org):
    return ("carbondata:evidence", data_matrix._evidence(w, org))


def _import(w, org):
    return ("carbondata:import_file", data_matrix._import(w, org))


def _certificate(w, org):
    return ("carbondata:calibration_certificate", data_matrix._calibration(w, org))


def _version(w, org):
    return ("management:version_file", ms_matrix._version(w, org))


def _audit_report(w, org):
    ms_matrix._with_file("audit", "report_file")(w, org)
    return ("audits:audit_report_file", ms_matrix.rec("audit")(w, org))


def _review_record(w, org):
    ms_matrix._with_file("review", "record_file")(w, org)
    return ("audits:review_file", ms_matrix.rec("review")(w, org))


FILES = {"evidence": _evidence, "import workbook": _import, "calibration certificate": _certificate,
         "document version": _version, "audit report": _audit_report, "review record": _review_record}


def _stored_name(obj) -> str:
    for field in ("file", "report_file", "record_file", "certificate"):
        f = getattr(obj, field, None)
        if f:
            return f.name
    raise AssertionError(obj)


# --------------------------------------------------------------------------- no public URL


@pytest.fixture
def reload_urls(settings):
    """Re-import the URL root under the current DEBUG, and again afterwards."""
    import carbonms.config.urls as root

    def _reload():
        importlib.reload(root)
        clear_url_caches()

    yield _reload
    settings.DEBUG = False
    _reload()


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG", "production"])
@pytest.mark.parametrize("kind", sorted(FILES))
def test_media_path_answers_404_in_every_mode(world, settings, reload_urls, debug, kind):
    _name, obj = FILES[kind](world, world.e1)
    settings.DEBUG = debug
    reload_urls()
    stored = _stored_name(obj)
    assert (Path(settings.MEDIA_ROOT) / stored).exists()
    for user in (world.users["park_admin"], world.users["enterprise_admin"]):
        resp = _client(user).get(f"/media/{stored}")
        assert resp.status_code == 404, (kind, debug, user)


def test_static_files_do_not_reach_media_root(world, settings):
    _name, ev = _evidence(world, world.e1)
    c = _client(world.users["park_admin"])
    for path in (f"/static/{ev.file.name}", f"/static/../media/{ev.file.name}", f"/static/..%2fmedia%2f{ev.file.name}"):
        assert c.get(path).status_code == 404, path


# --------------------------------------------------------------------------- scoped downloads


@pytest.mark.parametrize("kind", sorted(FILES))
def test_another_enterprise_or_park_gets_404_through_the_scoped_url(world, kind):
    name, mine = FILES[kind](world, world.e1)
    _n, same_park = FILES[kind](world, world.e2)
    _n, other_park = FILES[kind](world, world.e3)
    # inside: the file itself
    resp = _client(world.users["enterprise_admin"]).get(reverse(name, args=[mine.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content)
    # an enterprise user of E1 asking for E2's file (same park), and for E3's (other park)
    for role in ("enterprise_admin", "data_clerk", "viewer", "external_verifier"):
        c = _client(world.users[role])
        assert c.get(reverse(name, args=[same_park.pk])).status_code == 404, (kind, role)
        assert c.get(reverse(name, args=[other_park.pk])).status_code == 404, (kind, role)
    # park A staff see E2's file but not E3's (park B)
    staff = _client(world.users["park_admin"])
    assert staff.get(reverse(name, args=[same_park.pk])).status_code == 200
    assert staff.get(reverse(name, args=[other_park.pk])).status_code == 404


def test_a_record_without_file_answers_404(world):
    audit = ms_matrix.rec("audit")(world, world.e1)
    assert not audit.report_file
    assert _client(world.users["park_admin"]).get(reverse("audits:audit_report_file", args=[audit.pk])).status_code == 404


def test_a_file_missing_on_disk_answers_404_not_500(world):
    _name, ev = _evidence(world, world.e1)
    ev.file.storage.delete(ev.file.name)
    assert _client(world.users["park_admin"]).get(reverse("carbondata:evidence", args=[ev.pk])).status_code == 404


def _upload_evidence(world, name: str, content: bytes):
    activity = data_matrix._activity(world, world.e1)
    clerk = _client(world.users["data_clerk"])
    resp = clerk.post(reverse("carbondata:evidence_upload", args=[activity.pk]),
                      {"kind": "other", "file": SimpleUploadedFile(name, content, content_type="text/html")})
    assert resp.status_code == 302, resp.content[:300]
    return activity.evidence.get(original_name=name)


HOSTILE = {
    "x.html": b"<html><body><script>fetch('/api/v1/me/').then(r=>r.text()).then(alert)</script></body></html>",
    "x.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
    "invoice.pdf": b"<html><script>alert(1)</script></html>",  # a PDF name on HTML content
    "x.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_clerks_html_or_svg_evidence_is_a_download_for_the_park_administrator(world, name):
    ev = _upload_evidence(world, name, HOSTILE[name])
    resp = _client(world.users["park_admin"]).get(reverse("carbondata:evidence", args=[ev.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/octet-stream"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["X-Content-Type-Options"] == "nosniff"
    csp = resp["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    assert b"".join(resp.streaming_content) == HOSTILE[name]  # the evidence itself is kept unchanged


INLINE = {
    "scan.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
    "photo.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    "photo.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),  # decided by content, not by the name
}


@pytest.mark.parametrize("name", sorted(INLINE))
def test_pdf_png_jpeg_are_shown_inline_by_their_content(world, name):
    content, ctype = INLINE[name]
    ev = _upload_evidence(world, name, content)
    resp = _client(world.users["park_admin"]).get(reverse("carbondata:evidence", args=[ev.pk]))
    assert resp["Content-Type"] == ctype
    assert resp["Content-Disposition"].startswith("inline;")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in resp["Content-Security-Policy"]


def test_office_files_keep_their_type_but_are_downloads(world):
    _name, audit = _audit_report(world, world.e1)
    audit.report_file.save("report.docx", ContentFile(b"PK\x03\x04 docx body"), save=True)
    resp = _client(world.users["internal_auditor"]).get(reverse("audits:audit_report_file", args=[audit.pk]))
    assert resp["Content-Type"] == files.ZIP_TYPES[".docx"]
    assert resp["Content-Disposition"].startswith("attachment;")


def test_download_name_is_the_uploaded_name_cleaned_for_the_header(world):
    ev = _upload_evidence(world, "发票 2025-01.pdf", b"%PDF-1.4")
    ev.original_name = "a\r\nSet-Cookie: x=1\x1b.pdf"  # NUL cannot be stored on PostgreSQL; safe_filename drops it too
    ev.save()
    resp = _client(world.users["park_admin"]).get(reverse("carbondata:evidence", args=[ev.pk]))
    assert resp.status_code == 200
    assert "\r" not in resp["Content-Disposition"] and "\n" not in resp["Content-Disposition"]
    assert "Set-Cookie" not in {k for k, _v in resp.items()}


@pytest.mark.parametrize("raw, cleaned", [
    ("../../../../tmp/x", "_.._.._.._tmp_x"),
    ("..", "file"),
    ("/etc/passwd", "_etc_passwd"),
    ("C:\\Windows\\win.ini", "C__Windows_win.ini"),
    ("a\x00b\r\nc\x1b.pdf", "abc.pdf"),
    ("  .hidden ", "hidden"),
    ("报告.docx", "报告.docx"),
    ("", "file"),
])
def test_safe_filename(raw, cleaned):
    assert files.safe_filename(raw) == cleaned


# --------------------------------------------------------------------------- Content-Security-Policy


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        bits = part.split()
        if bits:
            out[bits[0]] = bits[1:]
    return out


def _assert_site_policy(resp):
    d = _directives(resp["Content-Security-Policy"])
    assert d["default-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"] and d["frame-ancestors"] == ["'none'"] and d["base-uri"] == ["'self'"]
    assert "'unsafe-eval'" not in d["script-src"] and "'unsafe-inline'" not in d["script-src"]
    assert "'unsafe-inline'" not in d["style-src"]
    assert resp["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG", "production"])
def test_csp_and_nosniff_on_pages_api_static_and_login(world, settings, debug):
    settings.DEBUG = debug
    c = _client(world.users["park_admin"])
    assert c.get("/").status_code == 302
    _assert_site_policy(c.get("/"))
    for path in (reverse("organizations:enterprise", args=[world.e1.enterprise.pk]), "/api/v1/me/",
                 "/api/docs/", "/static/web/app.js"):
        resp = c.get(path)
        assert resp.status_code == 200, path
        _assert_site_policy(resp)
    _assert_site_policy(Client().get("/accounts/login/"))
    resp = c.get("/no/such/page/")
    assert resp.status_code == 404 and resp["X-Content-Type-Options"] == "nosniff"
    if not debug:  # django-csp leaves Django's own debug error pages alone in DEBUG
        _assert_site_policy(resp)


@pytest.mark.parametrize("kind", sorted(FILES))
def test_csp_and_nosniff_on_every_download(world, kind):
    name, obj = FILES[kind](world, world.e1)
    resp = _client(world.users["park_admin"]).get(reverse(name, args=[obj.pk]))
    assert resp.status_code == 200
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in resp["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]


def test_generated_downloads_are_attachments_with_csp(world):
    c = _client(world.users["park_admin"])
    ent = world.e1.enterprise
    for url in (reverse("carbondata:workbook", args=[ent.pk]) + "?year=2025",
                f"/conformity/ent-{ent.pk}/t-cieccpa-061-2023/evidence-pack.zip"):
        resp = c.get(url)
        assert resp.status_code == 200, url
        assert resp["Content-Disposition"].startswith("attachment;")
        assert resp["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in resp["Content-Security-Policy"]


def test_swagger_ui_page_has_no_inline_script_or_style(world):
    c = _client(world.users["park_admin"])
    html = c.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    script = re.search(r'<script src="([^"]*\?[^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    resp = c.get(script)
    assert resp.status_code == 200 and "SwaggerUIBundle" in resp.content.decode()
    assert resp["Content-Type"].startswith("application/javascript")


TEMPLATE_DIRS = sorted(Path(__file__).resolve().parents[2].joinpath("carbonms").glob("**/templates"))


def test_templates_have_no_inline_script_handler_or_style_element():
    """The policy forbids inline scripts, inline event handlers and un-nonced <style>: none in our templates."""
    bad = []
    for d in TEMPLATE_DIRS:
        for path in d.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", r"\son[a-z]+\s*=\s*[\"']",
                            r"<style\b", r"javascript:"):
                if re.search(pattern, text, re.IGNORECASE):
                    bad.append((str(path.relative_to(d.parent)), pattern))
    assert bad == []


# --------------------------------------------------------------------------- evidence pack (zip slip)


def test_evidence_pack_entries_cannot_escape_the_folder(world, tmp_path):
    from carbonms.management import services
    from carbonms.management.documents import Document, DocumentVersion

    org = world.e1
    admin, reviewer = world.users["enterprise_admin"], world.users["reviewer"]
    doc = Document.objects.create(park=org.enterprise.park, enterprise=org.enterprise, identifier="../../../../tmp/x",
                                  title="恶意", kind="procedure")
    v = services.version_add(actor=admin, document=doc, version="../../v1",
                             file=SimpleUploadedFile("..\\..\\evil\x07.pdf", b"%PDF-1.4 slip"))
    assert v.file.name.startswith(f"documents/{org.enterprise.park_id}/{doc.pk}/")
    assert ".." not in v.file.name.split("/")
    services.version_approve(actor=reviewer, version=v)
    services.version_put_in_force(actor=admin, version=v)
    # a second document whose cleaned name collides with the first stays a separate entry
    doc2 = Document.objects.create(park=org.enterprise.park, enterprise=org.enterprise, identifier="..\\..\\..\\..\\tmp\\x",
                                   title="恶意2", kind="procedure")
    DocumentVersion.objects.create(park=org.enterprise.park, enterprise=org.enterprise, document=doc2, version="../../v1",
                                   status="in_force", file=v.file.name, sha256=v.sha256)

    resp = _client(world.users["park_admin"]).get(f"/conformity/ent-{org.enterprise.pk}/t-cieccpa-061-2023/evidence-pack.zip")
    assert resp.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(resp.content))
    names = z.namelist()
    docs = [n for n in names if n.startswith("documents/")]
    assert len(docs) == 2 and len(set(names)) == len(names)
    for n in names:
        assert not n.startswith(("/", "\\")) and "\\" not in n and ":" not in n, n
        assert ".." not in n.split("/"), n
        assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in n), n
        assert len(n.split("/")) <= 2, n
    out = tmp_path / "unpacked"
    z.extractall(out)
    for p in out.rglob("*"):
        assert p.resolve().is_relative_to(out.resolve())
    assert not Path("/tmp/x").exists() or Path("/tmp/x").stat().st_mtime < timezone.now().timestamp() - 60


# --------------------------------------------------------------------------- API file fields


API_FILES = {
    "evidence": ("api:evidence-detail", "file", _evidence),
    "import workbook": ("api:data-import-detail", "file", _import),
    "document version": ("api:ms-document-versions-detail", "file", _version),
    "audit report": ("api:ms-audits-detail", "report_file", _audit_report),
    "review record": ("api:ms-reviews-detail", "record_file", _review_record),
}


@pytest.mark.parametrize("kind", sorted(API_FILES))
def test_api_file_fields_link_to_the_scoped_download(world, kind):
    endpoint, field, make = API_FILES[kind]
    name, obj = make(world, world.e1)
    c = _client(world.users["park_admin"])
    data = c.get(reverse(endpoint, args=[obj.pk])).json()
    url = data[field]
    assert url == "http://testserver" + reverse(name, args=[obj.pk])
    assert "/media/" not in url
    resp = c.get(url)
    assert resp.status_code == 200 and resp["X-Content-Type-Options"] == "nosniff"
    # the same link is 404 for a user of another enterprise
    assert _client(world.users["enterprise_admin"]).get(reverse(name, args=[_same_park(world, make).pk])).status_code == 404


def _same_park(world, make):
    return make(world, world.e2)[1]


def test_api_calibration_certificate_links_to_the_scoped_download(world):
    _name, cal = _certificate(world, world.e1)
    c = _client(world.users["data_clerk"])
    data = c.get(reverse("api:instrument-detail", args=[cal.instrument_id])).json()
    assert data["calibrations"][0]["certificate"] == "http://testserver" + reverse(
        "carbondata:calibration_certificate", args=[cal.pk])


def test_api_file_field_is_null_without_a_file(world):
    audit = ms_matrix.rec("audit")(world, world.e1)
    data = _client(world.users["park_admin"]).get(reverse("api:ms-audits-detail", args=[audit.pk])).json()
    assert data["report_file"] is None


def test_no_api_response_or_page_links_to_media(world):
    for kind in FILES:
        FILES[kind](world, world.e1)
    c = _client(world.users["park_admin"])
    for path in ("/api/v1/evidence/", "/api/v1/imports/", "/api/v1/ms/document-versions/", "/api/v1/ms/audits/",
                 "/api/v1/ms/reviews/", "/api/v1/instruments/",
                 reverse("carbondata:instrument", args=[data_matrix._instrument(world, world.e1).pk])):
        resp = c.get(path)
        assert resp.status_code == 200, path
        assert b"/media/" not in resp.content, path


# --------------------------------------------------------------------------- retention of refused uploads


def _import_at(world, *, status, days_old, size=50 * 1024 * 1024 // 1000):
    from carbonms.carbondata.models import DataImport

    imp = DataImport(enterprise=world.e1.enterprise, year=2025, original_name="big.xlsx", sha256="a" * 64, size=size,
                     uploaded_by=world.users["data_clerk"], status=status,
                     errors=[{"sheet": "", "row": None, "column": "", "message": "refused"}] if status == "refused" else [])
    imp.file.save("big.xlsx", ContentFile(b"x" * size), save=False)
    imp.save()
    DataImport.objects.filter(pk=imp.pk).update(created_at=timezone.now() - dt.timedelta(days=days_old))
    imp.refresh_from_db()
    return imp


def test_refused_upload_files_are_removed_after_the_retention_period(world, settings, django_capture_on_commit_callbacks):
    from carbonms.carbondata.models import DataImport
    from carbonms.carbondata.retention import purge_refused_uploads
    from carbonms.changelog.context import change_source
    from carbonms.changelog.models import ChangeRecord

    settings.REFUSED_UPLOAD_RETENTION_DAYS = 7
    old_refused = _import_at(world, status="refused", days_old=8)
    new_refused = _import_at(world, status="refused", days_old=6)
    abandoned = _import_at(world, status="validated", days_old=30)
    committed = _import_at(world, status="committed", days_old=400)
    paths = {i.pk: Path(i.file.path) for i in (old_refused, new_refused, abandoned, committed)}

    with django_capture_on_commit_callbacks(execute=True), change_source("job", "test"):
        result = purge_refused_uploads()
    assert result["purged"] == 2 and result["days"] == 7
    assert not paths[old_refused.pk].exists() and not paths[abandoned.pk].exists()
    assert paths[new_refused.pk].exists() and paths[committed.pk].exists()
    kept = DataImport.objects.get(pk=old_refused.pk)
    assert kept.file.name == "" and kept.sha256 == "a" * 64 and kept.uploaded_by == world.users["data_clerk"]
    assert kept.errors and kept.status == "refused"
    assert ChangeRecord.objects.filter(object_id=str(kept.pk), source_kind="job").exists()

    # the record's page says so, its download is 404 and an abandoned import cannot be committed any more
    c = _client(world.users["data_clerk"])
    page = c.get(reverse("carbondata:import_detail", args=[kept.pk]))
    assert b'data-testid="import-file-removed"' in page.content
    assert c.get(reverse("carbondata:import_file", args=[kept.pk])).status_code == 404
    page = c.get(reverse("carbondata:import_detail", args=[abandoned.pk]))
    assert b'data-testid="commit-import"' not in page.content
    resp = c.post(reverse("carbondata:import_detail", args=[abandoned.pk]))
    assert resp.status_code == 302
    assert DataImport.objects.get(pk=abandoned.pk).status == "validated"

    # a second run finds nothing left to do
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_refused_uploads()["purged"] == 0


def test_retention_command_and_task(world, settings, django_capture_on_commit_callbacks):
    from carbonms.carbondata.tasks import purge_refused_uploads_task

    settings.REFUSED_UPLOAD_RETENTION_DAYS = 7
    a = _import_at(world, status="refused", days_old=3)
    b = _import_at(world, status="refused", days_old=10)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_refused_uploads", "--days", "2", stdout=out)
    assert "purged 2 file(s)" in out.getvalue()
    a.refresh_from_db()
    b.refresh_from_db()
    assert not a.file and not b.file
    c = _import_at(world, status="refused", days_old=9)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_refused_uploads_task.delay().get()["purged"] == 1
    c.refresh_from_db()
    assert not c.file
    assert "purge-refused-uploads" in settings.CELERY_BEAT_SCHEDULE


def test_api_clients_follow_file_links_with_their_token(world):
    from rest_framework.authtoken.models import Token

    _name, mine = _evidence(world, world.e1)
    _name, theirs = _evidence(world, world.e2)
    token = Token.objects.create(user=world.users["data_clerk"])
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = api.get(reverse("api:evidence-detail", args=[mine.pk])).json()["file"]
    resp = api.get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"%PDF-1.4 invoice"
    assert api.get(reverse("carbondata:evidence", args=[theirs.pk])).status_code == 404
    assert Client(HTTP_AUTHORIZATION="Token not-a-token").get(url).status_code == 401
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_every_download_goes_through_common_files():
    """No view builds its own file response or links to a stored file's public URL."""
    root = Path(__file__).resolve().parents[2] / "carbonms"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "files.py" and path.parent.name == "common" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"FileResponse\(", r"Content-Disposition", r"conf\.urls\.static", r"serve\(request"):
            if re.search(pattern, text):
                offenders.append((str(path.relative_to(root)), pattern))
    for path in root.rglob("*.html"):
        if re.search(r"\.(file|report_file|record_file|certificate)\.url\b", path.read_text(encoding="utf-8")):
            offenders.append((str(path.relative_to(root)), ".url of a stored file"))
    assert offenders == []
