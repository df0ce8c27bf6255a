package model

import (
	"errors"
	"strings"
)

// CreateWidgetReq is the request body of CreateWidget.
type CreateWidgetReq struct {

	// Name of the widget (required: no omitempty).
	Name string `json:"name"`

	// Optional description.
	Description *string `json:"description,omitempty"`

	// A required pointer-typed object field.
	Owner *WidgetOwner `json:"owner"`

	// Size, an integer enum.
	Size *CreateWidgetReqSize `json:"size,omitempty"`

	// Kind, a required string enum.
	Kind CreateWidgetReqKind `json:"kind"`

	// Modes, a list of an enum.
	Modes *[]CreateWidgetReqModes `json:"modes,omitempty"`

	// Labels: a non-pointer map with omitempty is optional.
	Labels map[string]string `json:"labels,omitempty"`
}

type CreateWidgetReqKind struct {
	value string
}

type CreateWidgetReqKindEnum struct {
	PLAIN  CreateWidgetReqKind
	QUOTED CreateWidgetReqKind
	MARKUP CreateWidgetReqKind
}

func GetCreateWidgetReqKindEnum() CreateWidgetReqKindEnum {
	return CreateWidgetReqKindEnum{
		PLAIN: CreateWidgetReqKind{
			value: "plain",
		},
		QUOTED: CreateWidgetReqKind{
			value: "say \"hi\"",
		},
		MARKUP: CreateWidgetReqKind{
			value: "[gp3](tag:hws,hws_hk)",
		},
	}
}

type CreateWidgetReqSize struct {
	value int32
}

type CreateWidgetReqSizeEnum struct {
	E_2 CreateWidgetReqSize
	E_1 CreateWidgetReqSize
	E_MINUS_1 CreateWidgetReqSize
}

func GetCreateWidgetReqSizeEnum() CreateWidgetReqSizeEnum {
	return CreateWidgetReqSizeEnum{
		E_2: CreateWidgetReqSize{
			value: 2,
		}, E_1: CreateWidgetReqSize{
			value: 1,
		}, E_MINUS_1: CreateWidgetReqSize{
			value: -1,
		},
	}
}

type CreateWidgetReqModes struct {
	value string
}

type CreateWidgetReqModesEnum struct {
	FAST CreateWidgetReqModes
	SAFE CreateWidgetReqModes
}

func GetCreateWidgetReqModesEnum() CreateWidgetReqModesEnum {
	return CreateWidgetReqModesEnum{
		FAST: CreateWidgetReqModes{
			value: "fast",
		},
		SAFE: CreateWidgetReqModes{
			value: "safe",
		},
	}
}
