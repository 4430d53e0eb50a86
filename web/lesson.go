package web

import "errors"

// LessonSource lists and loads lessons (the lessons package provides it).
type LessonSource interface{}

// lessonRun is a session's lesson state (see the lesson player).
type lessonRun struct{}

// LessonView is the lesson part of a view.
type LessonView struct{}

func (s *Session) lessonView() *LessonView { return nil }

func (s *Session) lessonVerb(args []string) error {
	return errors.New("lesson: this session is not a lesson")
}

// afterChange runs after every state change (lesson goals are checked here).
func (s *Session) afterChange() {}

func (s *Server) lessonRoutes(r interface{}) {}

func (s *Server) lessonItems(lang interface{}) []LessonItem { return nil }

func (s *Server) lessonPage(sess *Session, lang interface{}) *LessonPage { return nil }
