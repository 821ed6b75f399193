package validation

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// internalLayout renders a k8s.io/api value as JSON the way upstream's
// internal type of the same name marshals: the internal types carry no json
// tags, so every field appears, under its Go name, in declaration order.
// Upstream prints such JSON in two places users see: the spec diff of a
// forbidden pod update and the bad value of a few Invalid errors. The v1 and
// internal core types declare the same fields in the same order, except
// Secret (v1 adds StringData) and NodeSpec (v1 keeps the old PodCIDR), which
// internalLayout leaves out.
type internalLayout struct{ v any }

func (l internalLayout) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeInternal(&buf, reflect.ValueOf(l.v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fieldsOnlyInV1 are the v1 fields the internal types do not have.
var fieldsOnlyInV1 = map[string]map[string]bool{
	"Secret":   {"StringData": true},
	"NodeSpec": {"PodCIDR": true},
}

func encodeInternal(buf *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return encodeInternal(buf, v.Elem())
	case reflect.Struct:
		if !strings.HasPrefix(v.Type().PkgPath(), "k8s.io/api/") {
			// apimachinery's types (ObjectMeta, LabelSelector, Quantity,
			// Time, IntOrString) are shared with the internal API and keep
			// their json tags and marshalers.
			b, err := json.Marshal(v.Interface())
			if err != nil {
				return err
			}
			buf.Write(b)
			return nil
		}
		buf.WriteByte('{')
		first := true
		if err := encodeFields(buf, v, &first); err != nil {
			return err
		}
		buf.WriteByte('}')
		return nil
	case reflect.Slice:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b, err := json.Marshal(v.Interface())
			if err != nil {
				return err
			}
			buf.Write(b)
			return nil
		}
		fallthrough
	case reflect.Array:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeInternal(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case reflect.Map:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, err := json.Marshal(k.String())
			if err != nil {
				return err
			}
			buf.Write(kb)
			buf.WriteByte(':')
			if err := encodeInternal(buf, v.MapIndex(k)); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// encodeFields writes a struct's fields, flattening embedded structs as
// encoding/json does for untagged embedded fields.
func encodeFields(buf *bytes.Buffer, v reflect.Value, first *bool) error {
	t := v.Type()
	skip := fieldsOnlyInV1[t.Name()]
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || skip[f.Name] {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if strings.HasPrefix(f.Type.PkgPath(), "k8s.io/api/") {
				if err := encodeFields(buf, v.Field(i), first); err != nil {
					return err
				}
				continue
			}
			// Embedded TypeMeta and ObjectMeta keep their json tags; their
			// members join the enclosing object.
			b, err := json.Marshal(v.Field(i).Interface())
			if err != nil {
				return err
			}
			if inner := bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("{")), []byte("}")); len(inner) > 0 {
				if !*first {
					buf.WriteByte(',')
				}
				*first = false
				buf.Write(inner)
			}
			continue
		}
		if !*first {
			buf.WriteByte(',')
		}
		*first = false
		nb, _ := json.Marshal(f.Name)
		buf.Write(nb)
		buf.WriteByte(':')
		if err := encodeInternal(buf, v.Field(i)); err != nil {
			return err
		}
	}
	return nil
}
