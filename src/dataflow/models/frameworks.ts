/**
 * What the taint models cover, for people: `krait rules` prints this table and the README repeats it (a test
 * keeps them in step). The models themselves are the other tables of this folder.
 */
export interface FrameworkRow {
  kind: 'input' | 'library';
  name: string;
  covers: string;
}

export const FRAMEWORK_TABLE: readonly FrameworkRow[] = [
  { kind: 'input', name: 'Flask', covers: 'route decorators, add_url_rule, MethodView/View via as_view, blueprints, before_request and error handlers, request.*' },
  { kind: 'input', name: 'WTForms / Flask-WTF', covers: 'form.<field>.data and form.data; typed fields and Regexp/AnyOf validators clean once validated' },
  { kind: 'input', name: 'Django', covers: 'path/re_path views and CBVs via as_view, include() chains, request.GET/POST/body/META, Form.cleaned_data (typed fields clean)' },
  { kind: 'input', name: 'Django REST framework', covers: 'APIView, ViewSet, @api_view, request.data/query_params, serializer validated_data (typed fields clean)' },
  { kind: 'input', name: 'FastAPI / Starlette', covers: 'typed parameters, Pydantic bodies field by field, Depends(...) results, APIRouter, Form, File, UploadFile.filename' },
  { kind: 'input', name: 'Pyramid', covers: '@view_config and config.add_view views: request.params/GET/POST/matchdict/json_body/cookies/headers' },
  { kind: 'input', name: 'GraphQL', covers: 'Graphene resolve_<field> and mutate arguments, Strawberry field/mutation arguments, Ariadne @query.field resolvers' },
  { kind: 'input', name: 'Connexion / OpenAPI', covers: 'handlers named by operationId in the YAML/JSON specifications an app loads with add_api' },
  { kind: 'input', name: 'Bottle', covers: 'route arguments, request.query/forms/params/json/files/cookies/headers' },
  { kind: 'input', name: 'Falcon', covers: 'on_<verb> responders: URL fields, req.params/get_param/media' },
  { kind: 'input', name: 'Sanic, Quart, Litestar', covers: 'route arguments (typed ones judged by type), request objects, add_route' },
  { kind: 'input', name: 'aiohttp', covers: 'route tables, add_get/add_route, web.View classes: match_info, query, post(), json()' },
  { kind: 'input', name: 'Tornado', covers: 'RequestHandler arguments and get_argument*, websocket on_message' },
  { kind: 'input', name: 'Serverless', covers: 'AWS Lambda handler(event, context), Chalice app.current_request, Azure func.HttpRequest, Cloud Functions @functions_framework.http' },
  { kind: 'input', name: 'Standard library', covers: 'http.server handlers, CGI FieldStorage, WSGI environ, argv, environment, stdin, sockets' },
  { kind: 'library', name: 'SQL', covers: 'DB-API execute, SQLAlchemy text/execute/literal_column, Django raw/extra/RawSQL, Peewee raw/SQL, Tortoise and Pony raw queries, psycopg sql.SQL (Identifier/Literal clean), pandas read_sql' },
  { kind: 'library', name: 'Commands', covers: 'os, subprocess (shell or string), asyncio shells, sh, plumbum, Fabric/Invoke, paramiko exec_command, Docker command strings' },
  { kind: 'library', name: 'Outgoing requests', covers: 'requests, httpx, aiohttp, urllib.request, urllib3 (SSRF); boto3 object keys and presigned URLs' },
  { kind: 'library', name: 'Templates and files', covers: 'Jinja2 without autoescape, render_template_string, Mako, Chameleon, Django templates; render_template and send_file of client-chosen names' },
  { kind: 'library', name: 'NoSQL and data', covers: 'PyMongo and Motor filters, MongoEngine __raw__, Redis eval, Elasticsearch q=, pickle/yaml/xml parsers, xmltodict with entities' },
];
