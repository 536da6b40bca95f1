import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/registry.js';
import { analyze, scanProject } from '../helpers/analyze.js';

/**
 * The access rules' findings that depend on the whole application: facts from one module decide findings in
 * another, the way a project scan merges them (src/access/merge.ts).
 */
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-access-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const found = async (root: string, select: string[]) =>
  (await scanProject(root, { select })).findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`);

const PROTECTED_VIEWS = `from flask import Blueprint
from flask_login import login_required

bp = Blueprint("account", __name__)


@bp.route("/account")
@login_required
def account():
    return "me"
`;

const OPEN_WRITE = `from flask import Blueprint

bp = Blueprint("orders", __name__)


@bp.route("/orders/<int:order_id>", methods=["DELETE"])
def delete_order(order_id):
    Order.query.filter_by(id=order_id).delete()
    db.session.commit()
    return "", 204
`;

describe('unauthenticated state change across modules (K960)', () => {
  it('reports a route when another module of the application uses authentication, and names the mechanism', async () => {
    const root = project({ 'shop/account.py': PROTECTED_VIEWS, 'shop/orders.py': OPEN_WRITE });
    const result = await scanProject(root, { select: ['K960'] });
    expect(result.findings.map((f) => `${f.location.path}:${f.location.startLine}`)).toEqual(['shop/orders.py:7']);
    expect(result.findings[0].message).toContain('@login_required (1 route)');
  });

  it('is silent for the same route when no module uses authentication', async () => {
    const root = project({ 'shop/orders.py': OPEN_WRITE });
    expect(await found(root, ['K960'])).toEqual([]);
  });

  it('is silent when a before_request guard in another module protects the application', async () => {
    const guard = `from flask import Flask, abort, session\n\napp = Flask(__name__)\n\n\n@app.before_request\ndef require_login():\n    if "user_id" not in session:\n        abort(401)\n`;
    const root = project({ 'shop/account.py': PROTECTED_VIEWS, 'shop/orders.py': OPEN_WRITE, 'shop/app.py': guard });
    expect(await found(root, ['K960'])).toEqual([]);
  });

  it('keeps sibling folders apart: the authentication of one application is not another one\'s', async () => {
    const root = project({ 'billing/account.py': PROTECTED_VIEWS, 'catalog/orders.py': OPEN_WRITE });
    expect(await found(root, ['K960'])).toEqual([]);
  });

  it('follows DRF DEFAULT_PERMISSION_CLASSES set in the settings module', async () => {
    const views = `from django.contrib.auth.decorators import login_required\nfrom django.http import HttpResponse\nfrom rest_framework import viewsets\n\n\n@login_required\ndef home(request):\n    return HttpResponse("home")\n\n\nclass TagViewSet(viewsets.ModelViewSet):\n    queryset = Tag.objects.all()\n`;
    const settings = `INSTALLED_APPS = ["rest_framework"]\nREST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}\n`;
    const open = project({ 'site/views.py': views });
    expect(await found(open, ['K960'])).toEqual(['site/views.py:11:K960']);
    const guarded = project({ 'site/views.py': views, 'site/settings.py': settings });
    expect(await found(guarded, ['K960'])).toEqual([]);
  });
});

describe('login without attempt limits (K962)', () => {
  const login = (name: string) =>
    `from flask import Blueprint, request\nfrom werkzeug.security import check_password_hash\n\nbp = Blueprint("${name}", __name__)\n\n\n@bp.route("/${name}", methods=["POST"])\ndef ${name}():\n    return check_password_hash(load(request.form["u"]), request.form["p"])\n`;

  it('reports one finding per application, at the first route in path order', async () => {
    const root = project({ 'app/a_login.py': login('login'), 'app/b_api.py': login('api_login') });
    expect(await found(root, ['K962'])).toEqual(['app/a_login.py:9:K962']);
  });

  it('is silent when any module sets up a rate limiter', async () => {
    const limiter = `from flask_limiter import Limiter\nfrom flask_limiter.util import get_remote_address\n\nlimiter = Limiter(get_remote_address)\n`;
    const root = project({ 'app/a_login.py': login('login'), 'app/limits.py': limiter });
    expect(await found(root, ['K962'])).toEqual([]);
  });
});

describe('model fields from another module (K963, K964)', () => {
  const serializers = `from rest_framework import serializers\n\nfrom .models import Account\n\n\nclass AccountSerializer(serializers.ModelSerializer):\n    class Meta:\n        model = Account\n        fields = "__all__"\n`;

  it('reads the model in models.py to judge a serializer in serializers.py', async () => {
    const models = `from django.db import models\n\n\nclass Account(models.Model):\n    email = models.EmailField()\n    is_admin = models.BooleanField(default=False)\n    api_token = models.CharField(max_length=64)\n`;
    const root = project({ 'bank/models.py': models, 'bank/serializers.py': serializers });
    const result = await scanProject(root, { select: ['K963', 'K964'] });
    expect(result.findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`)).toEqual(['bank/serializers.py:9:K963', 'bank/serializers.py:9:K964']);
    expect(result.findings[0].message).toContain('`is_admin`');
    expect(result.findings[1].message).toContain('`api_token`');
  });

  it('is silent when the model has neither privilege nor secret fields', async () => {
    const models = `from django.db import models\n\n\nclass Account(models.Model):\n    email = models.EmailField()\n`;
    const root = project({ 'bank/models.py': models, 'bank/serializers.py': serializers });
    expect(await found(root, ['K963', 'K964'])).toEqual([]);
  });
});

describe('confidence', () => {
  const rules = ALL_RULES.filter((r) => r.meta.id === 'K608' || r.meta.id === 'K963');

  it('reports account passwords at medium in application code and low in seed data and tests', async () => {
    const text = 'from django.contrib.auth.models import User\n\nUser.objects.create_user("ops", "ops@shop.test", "Winter2025")\n';
    const conf = async (relPath: string) => (await analyze(text, { relPath, rules })).findings.map((f) => `${f.ruleId}:${f.confidence}`);
    expect(await conf('shop/setup.py')).toEqual(['K608:medium']);
    expect(await conf('shop/seeds/users.py')).toEqual(['K608:low']);
    expect(await conf('shop/tests.py')).toEqual(['K608:low']);
  });

  it('reports "__all__" model forms one step below serializers', async () => {
    const text = `from django import forms\nfrom django.contrib.auth.models import User\nfrom rest_framework import serializers\n\n\nclass UserForm(forms.ModelForm):\n    class Meta:\n        model = User\n        fields = "__all__"\n\n\nclass UserSerializer(serializers.ModelSerializer):\n    class Meta:\n        model = User\n        fields = "__all__"\n`;
    const r = await analyze(text, { relPath: 'app/forms.py', rules });
    expect(r.findings.map((f) => `${f.location.startLine}:${f.confidence}`)).toEqual(['9:low', '15:medium']);
  });
});
