package markdown

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// frontMatter holds the keys the bulletin needs; every other key (image,
// aliases, categories, slug, series, translationKey…) is ignored.
type frontMatter struct {
	Title       scalar     `yaml:"title" toml:"title"`
	Date        scalar     `yaml:"date" toml:"date"`
	Type        scalar     `yaml:"type" toml:"type"`
	Summary     scalar     `yaml:"summary" toml:"summary"`
	Description scalar     `yaml:"description" toml:"description"`
	Excerpt     scalar     `yaml:"excerpt" toml:"excerpt"`
	Lang        scalar     `yaml:"lang" toml:"lang"`
	Language    scalar     `yaml:"language" toml:"language"`
	Author      authors    `yaml:"author" toml:"author"`
	Authors     authors    `yaml:"authors" toml:"authors"`
	Tags        stringList `yaml:"tags" toml:"tags"`
	URL         scalar     `yaml:"url" toml:"url"`
	Link        scalar     `yaml:"link" toml:"link"`
	Draft       scalar     `yaml:"draft" toml:"draft"`
}

// scalar is one value written as text, whatever YAML or TOML made of it: a
// YAML timestamp stays the text written, a TOML datetime keeps its instant.
type scalar struct {
	Text string
	Set  bool       // the key is present with a non-null value
	Time *time.Time // a TOML datetime
}

func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		s.Text, s.Set = n.Value, true
		return nil
	case yaml.AliasNode:
		return s.UnmarshalYAML(n.Alias)
	}
	return typeError(n, "one value")
}

func (s *scalar) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		s.Text = v
	case bool:
		s.Text = strconv.FormatBool(v)
	case int64:
		s.Text = strconv.FormatInt(v, 10)
	case float64:
		s.Text = strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		s.Text, s.Time = v.Format(time.RFC3339Nano), &v
	default:
		return fmt.Errorf("expected one value, found %s", tomlKind(v))
	}
	s.Set = true
	return nil
}

func (s scalar) String() string { return strings.TrimSpace(s.Text) }

// authors is an author field: a name, a list of names, or a map (or list of
// maps) with a name key, as in Hugo's author: {name: …} or [author] table.
type authors []string

func (a *authors) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.AliasNode:
		return a.UnmarshalYAML(n.Alias)
	case yaml.ScalarNode:
		if n.Tag != "!!null" {
			*a = append(*a, n.Value)
		}
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == "name" {
				if v.Kind != yaml.ScalarNode {
					return typeError(v, "a name")
				}
				*a = append(*a, v.Value)
			}
		}
		return nil
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind == yaml.SequenceNode {
				return typeError(c, "a name or a map with name")
			}
			if err := a.UnmarshalYAML(c); err != nil {
				return err
			}
		}
		return nil
	}
	return typeError(n, "a name, a list of names or a map with name")
}

func (a *authors) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*a = append(*a, v)
	case map[string]any:
		if name, ok := v["name"]; ok {
			s, ok := name.(string)
			if !ok {
				return fmt.Errorf("author name: expected text, found %s", tomlKind(name))
			}
			*a = append(*a, s)
		}
	case []any:
		for _, e := range v {
			if _, ok := e.([]any); ok {
				return fmt.Errorf("author: expected a name or a table with name, found a nested list")
			}
			if err := a.UnmarshalTOML(e); err != nil {
				return err
			}
		}
	case []map[string]any: // [[author]] arrays of tables
		for _, e := range v {
			if err := a.UnmarshalTOML(e); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("author: expected a name, a list of names or a table with name, found %s", tomlKind(v))
	}
	return nil
}

// stringList is a list of words written as a list or as one string (tags).
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.AliasNode:
		return l.UnmarshalYAML(n.Alias)
	case yaml.ScalarNode:
		if n.Tag != "!!null" {
			*l = append(*l, n.Value)
		}
		return nil
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind == yaml.AliasNode {
				c = c.Alias
			}
			if c.Kind != yaml.ScalarNode {
				return typeError(c, "a word")
			}
			*l = append(*l, c.Value)
		}
		return nil
	}
	return typeError(n, "a list or a string")
}

func (l *stringList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*l = append(*l, v)
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("expected a list of strings, found %s in it", tomlKind(e))
			}
			*l = append(*l, s)
		}
	default:
		return fmt.Errorf("expected a list or a string, found %s", tomlKind(v))
	}
	return nil
}

// typeError is a yaml.TypeError, so that yaml reports it as "line N: …"
// among its other unmarshal errors.
func typeError(n *yaml.Node, want string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected %s, found %s", n.Line, want, yamlKind(n))}}
}

func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func tomlKind(v any) string {
	switch v.(type) {
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%v", v)
}
