"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/: an adapter over the evidence
services, with no rules of its own (like the sync adapter).

- ``formats``: the `.json` and `.xml` answers, the format in the path;
- ``errors``: every error as the specification's list of {code, description};
- ``serializers``: the services (our problem types), the requests (citizens' reports) and the POST's parameters;
- ``throttling``: POSTs limited per API key and per address;
- ``views`` and ``urls``.
"""
