package model

// ShowWidgetRequest is the request of ShowWidget.
type ShowWidgetRequest struct {

	// Path parameter: always required.
	WidgetId string `json:"widget_id"`

	// A header parameter, lower-case in the tag.
	XLanguage *string `json:"x-language,omitempty"`
}

// ShowWidgetResponse has only optional fields and a skipped status code: not listed.
type ShowWidgetResponse struct {
	Name           *string `json:"name,omitempty"`
	HttpStatusCode int     `json:"-"`
}

// WidgetOwner has a required id.
type WidgetOwner struct {
	Zid string `json:"id"`
	Tenant *string `json:"tenant,omitempty"`
}
