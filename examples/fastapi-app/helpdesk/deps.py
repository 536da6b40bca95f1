"""Dependencies shared by the routers: what they return is request data unless it is typed otherwise."""
from fastapi import Header, Query


def search_terms(q: str = Query("")):
    return q.strip()


def page_number(page: int = Query(1)):
    return page


def agent_name(x_agent: str = Header("")):
    return x_agent
