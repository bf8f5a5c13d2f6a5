"""The partner API's OpenAPI document."""

_PEOPLE_DETAINED = {
    "type": "string",
    "enum": ["yes", "no", "unknown"],
    "description": "The answer to 'Are people being detained?': yes, no, or unknown (the reporter does not know)",
}
_PEOPLE_DETAINED_OUT = {
    "type": ["string", "null"],
    "enum": ["yes", "no", "unknown", None],
    "description": "The reporter's answer to 'Are people being detained?'; null when not answered",
}
_REPORT_OUT = {
    "type": "object",
    "required": ["id", "receipt", "language", "area", "incident", "people_detained"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "receipt": {"type": "string"},
        "language": {"type": "string"},
        "area": {"type": ["string", "null"]},
        "incident": {"type": ["string", "null"], "format": "uuid"},
        "people_detained": _PEOPLE_DETAINED_OUT,
    },
}
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "fields": {"type": "object"}},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Vigil partner API", "version": "1"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"ReportOut": _REPORT_OUT, "Error": _ERROR},
    },
    "paths": {
        "/api/v1/reports": {
            "post": {
                "summary": "Submit a report",
                "security": [{}, {"bearer": []}],
                "parameters": [
                    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 80}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["text"],
                                "properties": {
                                    "text": {"type": "string", "maxLength": 4000},
                                    "language": {"type": "string"},
                                    "occurred_at": {"type": "string", "format": "date-time"},
                                    "location": {
                                        "type": "object",
                                        "properties": {
                                            "description": {"type": "string", "maxLength": 300},
                                            "lat": {"type": "number"},
                                            "lon": {"type": "number"},
                                            "area": {"type": "string"},
                                        },
                                    },
                                    "salute": {
                                        "type": "object",
                                        "properties": {
                                            k: {"type": "string"}
                                            for k in ("size", "activity", "uniform", "equipment", "vehicles", "agency")
                                        },
                                    },
                                    "people_detained": _PEOPLE_DETAINED,
                                    "contact": {"type": "string"},
                                    "channel": {"type": "string", "enum": ["api", "hotline", "sms", "whatsapp", "web"]},
                                    "altcha": {
                                        "type": "string",
                                        "description": "ALTCHA v1 solution, when a 429 asked for it",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Stored",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportOut"}}},
                    },
                    "200": {
                        "description": "Already stored under this Idempotency-Key",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportOut"}}},
                    },
                    "409": {
                        "description": "A partner's Idempotency-Key already used for a different report",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "400": {
                        "description": "Invalid",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "401": {
                        "description": "Bad token",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "413": {
                        "description": "Too large",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        },
        "/api/v1/reports/{id}": {
            "get": {
                "summary": "Read a report (partner or staff token)",
                "security": [{"bearer": []}],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
                ],
                "responses": {
                    "200": {
                        "description": "The report",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "allOf": [
                                        {"$ref": "#/components/schemas/ReportOut"},
                                        {
                                            "type": "object",
                                            "properties": {
                                                "duplicate_candidates": {"type": "array", "items": {"type": "string"}}
                                            },
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "401": {"description": "Bad token"},
                    "404": {"description": "Not found or not yours"},
                },
            }
        },
    },
}
